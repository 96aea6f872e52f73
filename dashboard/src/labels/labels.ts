/**
 * Labels as the contract defines them: `<BASE>.<CATEGORY><SUBCATEGORY>.<ROLE>`.
 * The dashboard only reads and builds them; the API remains the judge of
 * validity (a role must be one of the organization's).
 */

export interface LevelInfo {
  base: number;
  name: string;
  explains: string;
  broadcast: boolean;
}

export const LEVELS: readonly LevelInfo[] = [
  { base: 1, name: "Executive", explains: "for the executive level, the top of the ladder", broadcast: false },
  { base: 11, name: "Department head", explains: "for the head of the role's department", broadcast: false },
  { base: 101, name: "Team lead", explains: "for the lead of the role's team", broadcast: false },
  { base: 1001, name: "Staff", explains: "for a staff member of the role: where most work starts", broadcast: false },
  { base: 10, name: "Broadcast to department heads", explains: "shown to every department head of the role and those below", broadcast: true },
  { base: 100, name: "Broadcast to team leads", explains: "shown to every team lead of the role and those below", broadcast: true },
  { base: 1000, name: "Broadcast to staff", explains: "shown to every staff member of the role", broadcast: true },
];

const CATEGORY_NAMES: Record<number, string> = { 1: "Operations", 5: "Training", 9: "Crisis" };
const SUBCATEGORY_NAMES: Record<number, string> = { 1: "Request", 4: "Report", 5: "Broadcast" };

export const DIGITS = [1, 2, 3, 4, 5, 6, 7, 8, 9] as const;

export function categoryName(digit: number): string {
  return CATEGORY_NAMES[digit] ?? `Category ${digit}`;
}

export function subcategoryName(digit: number): string {
  return SUBCATEGORY_NAMES[digit] ?? `Subcategory ${digit}`;
}

export function levelInfo(base: number): LevelInfo | undefined {
  return LEVELS.find((l) => l.base === base);
}

export interface LabelParts {
  base: number;
  category: number;
  subcategory: number;
  role: string;
}

export function buildLabel(parts: LabelParts): string {
  return `${parts.base}.${parts.category}${parts.subcategory}.${parts.role}`;
}

/** Null for text that is not shaped like a label (the API would have refused it, but old data may differ). */
export function parseLabel(label: string): LabelParts | null {
  const match = /^(\d+)\.(\d)(\d)\.(.+)$/.exec(label);
  if (!match) return null;
  const [, base, category, subcategory, role] = match;
  return { base: Number(base), category: Number(category), subcategory: Number(subcategory), role: role as string };
}

/** One line a person can read: "Staff · Crisis request · Operations.Safety". */
export function describeLabel(label: string): string {
  const parts = parseLabel(label);
  if (!parts) return label;
  const level = levelInfo(parts.base)?.name ?? `Level ${parts.base}`;
  return `${level} · ${categoryName(parts.category)} ${subcategoryName(parts.subcategory).toLowerCase()} · ${parts.role}`;
}

/** A role covers itself and its sub-roles (`Operations` covers `Operations.Safety`). */
export function roleCovers(role: string, candidate: string): boolean {
  return candidate === role || candidate.startsWith(`${role}.`);
}
