/**
 * Builds a label from its four parts, so only well-formed labels can be
 * chosen, and says what each part means. "Let the profile route it" sends no
 * label: the profile's default label applies.
 */
import type { Role } from "../api/types";
import { buildLabel, categoryName, DIGITS, LEVELS, levelInfo, subcategoryName } from "../labels/labels";

export interface LabelChoice {
  route: "profile" | "manual";
  base: number;
  category: number;
  subcategory: number;
  role: string;
}

export function chosenLabel(choice: LabelChoice): string | undefined {
  return choice.route === "manual" && choice.role ? buildLabel(choice) : undefined;
}

export function LabelPicker({ value, roles, onChange }: { value: LabelChoice; roles: Role[]; onChange: (value: LabelChoice) => void }) {
  const set = <K extends keyof LabelChoice>(key: K, v: LabelChoice[K]) => onChange({ ...value, [key]: v });
  const manual = value.route === "manual";
  const level = levelInfo(value.base);
  return (
    <fieldset class="label-picker">
      <legend>Label (who gets it)</legend>
      <div class="choice">
        <input type="radio" id="route-profile" name="route" checked={!manual} onChange={() => set("route", "profile")} />
        <label for="route-profile">Let the organization's profile route it (its default label)</label>
      </div>
      <div class="choice">
        <input type="radio" id="route-manual" name="route" checked={manual} onChange={() => set("route", "manual")} />
        <label for="route-manual">Choose the label</label>
      </div>
      {manual && (
        <div class="label-parts">
          <div class="field">
            <label for="label-level">Level</label>
            <select id="label-level" value={String(value.base)} onChange={(e) => set("base", Number(e.currentTarget.value))}>
              {LEVELS.map((l) => (
                <option key={l.base} value={String(l.base)}>
                  {l.base} · {l.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="label-category">Category</label>
            <select id="label-category" value={String(value.category)} onChange={(e) => set("category", Number(e.currentTarget.value))}>
              {DIGITS.map((d) => (
                <option key={d} value={String(d)}>
                  {d} · {categoryName(d)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="label-subcategory">Subcategory</label>
            <select id="label-subcategory" value={String(value.subcategory)} onChange={(e) => set("subcategory", Number(e.currentTarget.value))}>
              {DIGITS.map((d) => (
                <option key={d} value={String(d)}>
                  {d} · {subcategoryName(d)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="label-role">Role</label>
            <select id="label-role" value={value.role} onChange={(e) => set("role", e.currentTarget.value)} required>
              {roles.length === 0 && <option value="">No roles in this organization</option>}
              {roles.map((r) => (
                <option key={r.role_id} value={r.name}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <div class="label-preview" aria-live="polite">
            <p>
              Label: <output for="label-level label-category label-subcategory label-role">{chosenLabel(value) ?? "choose a role"}</output>
            </p>
            <ul>
              <li>
                <strong>{value.base}</strong>: {level?.name}, {level?.explains}. Ignored work climbs toward 1.
              </li>
              <li>
                <strong>{value.category}</strong>: category, {categoryName(value.category)}.
              </li>
              <li>
                <strong>{value.subcategory}</strong>: subcategory, {subcategoryName(value.subcategory)}.
              </li>
              <li>
                <strong>{value.role || "role"}</strong>: the team that owns it (and its sub-roles).
              </li>
            </ul>
          </div>
        </div>
      )}
    </fieldset>
  );
}
