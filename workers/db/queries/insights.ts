/**
 * Reads of the insight facts for the periodic review. They live in d1/ since
 * the organization's object reads them too (for review cases); the Worker's
 * reads still go through this module.
 */
export { casesByIds, factCasesCreatedBetween, factCasesResolvedBetween, openFactCases, openFactTasks, reviewInput } from "../../../d1/insight-reads";
