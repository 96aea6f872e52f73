/** The list's filters. Status, severity and label go to the API; site and sorting apply to the loaded cases. */
import { CASE_STATUSES, type CaseStatus, SEVERITIES, type Severity } from "../api/types";
import { wordFor } from "./badges";

export type SortOrder = "newest" | "deadline" | "severity";

export interface CaseFilterValues {
  status: CaseStatus | "";
  severity: Severity | "";
  label: string;
  site: string;
  sort: SortOrder;
}

export const NO_FILTERS: CaseFilterValues = { status: "", severity: "", label: "", site: "", sort: "newest" };

interface Props {
  values: CaseFilterValues;
  sites: string[];
  onChange: (values: CaseFilterValues) => void;
}

export function CaseFilters({ values, sites, onChange }: Props) {
  const set = <K extends keyof CaseFilterValues>(key: K, value: CaseFilterValues[K]) => onChange({ ...values, [key]: value });
  return (
    <form class="filters" aria-label="Filter cases" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" value={values.status} onChange={(e) => set("status", e.currentTarget.value as CaseStatus | "")}>
          <option value="">Any</option>
          {CASE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {wordFor(s)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-severity">Severity</label>
        <select id="filter-severity" value={values.severity} onChange={(e) => set("severity", e.currentTarget.value as Severity | "")}>
          <option value="">Any</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {wordFor(s)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-label">Exact label</label>
        <input
          id="filter-label"
          placeholder="1001.91.Operations"
          value={values.label}
          onChange={(e) => set("label", e.currentTarget.value.trim())}
          aria-describedby="filter-label-hint"
        />
        <span id="filter-label-hint" class="visually-hidden">
          Press Enter or leave the field to apply
        </span>
      </div>
      <div class="field">
        <label for="filter-site">Site</label>
        <select id="filter-site" value={values.site} onChange={(e) => set("site", e.currentTarget.value)}>
          <option value="">Any</option>
          {sites.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-sort">Sort by</label>
        <select id="filter-sort" value={values.sort} onChange={(e) => set("sort", e.currentTarget.value as SortOrder)}>
          <option value="newest">Newest first</option>
          <option value="deadline">Reaction due soonest</option>
          <option value="severity">Most severe first</option>
        </select>
      </div>
    </form>
  );
}
