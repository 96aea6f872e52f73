/**
 * Care/HR records and requests, as zod schemas (validation, types and the
 * OpenAPI document in one): a person's personnel record, their consents
 * purpose by purpose, and an intake that opens a screened case.
 */
import { z } from "zod";
import { Severity } from "../../model/enums";
import { PersonCreate } from "../../model/inputs";
import { Case, Task, Timestamp } from "../../model/records";

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date looks like 2026-11-25")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "not a calendar date");

export const EmploymentStatus = z.enum(["active", "leave", "ended"]);
export type EmploymentStatus = z.infer<typeof EmploymentStatus>;

export const PersonnelInput = z
  .object({
    user_id: z.string().min(1).max(100).nullable().optional().describe("The member account of this person, if they log in."),
    role: z.string().min(1).max(200).nullable().optional().describe("Their team: one of the profile's roles."),
    position: z.string().trim().min(1).max(200).nullable().optional().describe("Their job title."),
    employment_status: EmploymentStatus,
    started_on: Day.nullable().optional(),
    ended_on: Day.nullable().optional(),
  })
  .strict()
  .refine((p) => !p.started_on || !p.ended_on || p.started_on <= p.ended_on, { message: "ended_on is before started_on", path: ["ended_on"] });
export type PersonnelInput = z.infer<typeof PersonnelInput>;

export const Personnel = z.object({
  person_id: z.string(),
  user_id: z.string().nullable(),
  role: z.string().nullable(),
  position: z.string().nullable(),
  employment_status: EmploymentStatus,
  started_on: z.string().nullable(),
  ended_on: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int().min(1),
});
export type Personnel = z.infer<typeof Personnel>;

export const Purpose = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "letters, digits, '_', '.' and '-'");

export const ConsentInput = z.object({ granted: z.boolean() }).strict();
export type ConsentInput = z.infer<typeof ConsentInput>;

export const Consent = z.object({
  consent_id: z.string(),
  person_id: z.string(),
  purpose: z.string(),
  granted: z.boolean(),
  recorded_at: Timestamp,
  recorded_by: z.string().nullable(),
  version: z.number().int().min(1),
});
export type Consent = z.infer<typeof Consent>;

export const ConsentStatement = z.object({ purpose: Purpose, granted: z.boolean() }).strict();

export const IntakeInput = z
  .object({
    person: PersonCreate.optional().describe("A person recorded by this intake."),
    person_id: z.string().min(1).max(100).optional().describe("Or a person already recorded."),
    title: z.string().trim().min(1).max(300),
    body: z.string().max(20_000).optional(),
    severity: Severity.optional(),
    consents: z.array(ConsentStatement).max(50).optional(),
  })
  .strict()
  .refine((i) => (i.person === undefined) !== (i.person_id === undefined), {
    message: "give either person or person_id",
    path: ["person_id"],
  });
export type IntakeInput = z.infer<typeof IntakeInput>;

export const IntakeResult = z.object({ case: Case, tasks: z.array(Task), person_id: z.string() });
export type IntakeResult = z.infer<typeof IntakeResult>;
