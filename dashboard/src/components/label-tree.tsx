/**
 * Levels (vertical) and roles (horizontal) as a tree with counts. Counts come
 * from grouping the cases already loaded for the list, client-side: the API
 * filters labels only by exact match, so per-node counts from the server
 * would cost one request per level and role.
 */
import type { Case, Role } from "../api/types";
import { LEVELS, parseLabel, roleCovers } from "../labels/labels";

const WIDE_SCREEN = window.matchMedia("(min-width: 900px)");

export interface TreeSelection {
  level: number | null;
  role: string | null;
}

export function matchesSelection(c: Case, selection: TreeSelection): boolean {
  if (selection.level === null && selection.role === null) return true;
  const parts = parseLabel(c.label);
  if (!parts) return false;
  if (selection.level !== null && parts.base !== selection.level) return false;
  if (selection.role !== null && !roleCovers(selection.role, parts.role)) return false;
  return true;
}

interface RoleNode {
  role: Role;
  children: RoleNode[];
}

function roleForest(roles: Role[]): RoleNode[] {
  const nodes = new Map(roles.map((role) => [role.name, { role, children: [] as RoleNode[] }]));
  const roots: RoleNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.role.parent ? nodes.get(node.role.parent) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const byName = (a: RoleNode, b: RoleNode) => a.role.name.localeCompare(b.role.name);
  const sortDeep = (list: RoleNode[]) => {
    list.sort(byName);
    for (const n of list) sortDeep(n.children);
  };
  sortDeep(roots);
  return roots;
}

interface TreeProps {
  cases: Case[];
  roles: Role[];
  selection: TreeSelection;
  onSelect: (selection: TreeSelection) => void;
}

function NodeButton({ label, count, selected, onClick }: { label: string; count: number; selected: boolean; onClick: () => void }) {
  return (
    <button type="button" class="tree-node" aria-pressed={selected} onClick={onClick}>
      <span>{label}</span>{" "}
      <span class="count">
        {count}
        <span class="visually-hidden"> cases</span>
      </span>
    </button>
  );
}

function RoleBranch({ nodes, level, props }: { nodes: RoleNode[]; level: number | null; props: TreeProps }) {
  const count = (role: string) => props.cases.filter((c) => matchesSelection(c, { level, role })).length;
  // Under a level only roles that hold something there, or the tree grows as levels × roles.
  const shown = level === null ? nodes : nodes.filter((n) => count(n.role.name) > 0);
  if (shown.length === 0) return null;
  return (
    <ul>
      {shown.map((node) => (
        <li key={node.role.role_id}>
          <NodeButton
            label={node.role.name.split(".").pop() ?? node.role.name}
            count={count(node.role.name)}
            selected={props.selection.level === level && props.selection.role === node.role.name}
            onClick={() => props.onSelect({ level, role: node.role.name })}
          />
          <RoleBranch nodes={node.children} level={level} props={props} />
        </li>
      ))}
    </ul>
  );
}

export function LabelTree(props: TreeProps) {
  const forest = roleForest(props.roles);
  const atLevel = (base: number) => props.cases.filter((c) => parseLabel(c.label)?.base === base).length;
  const none = props.selection.level === null && props.selection.role === null;
  return (
    <nav class="label-tree" aria-label="Cases by label">
      {/* Folded on phones, so the list comes first without reordering what the keyboard reaches. */}
      <details open={WIDE_SCREEN.matches}>
        <summary>
          <h2>Labels</h2>
        </summary>
        <p class="hint">Counts cover the {props.cases.length} cases loaded.</p>
        <ul>
          <li>
            <NodeButton label="All cases" count={props.cases.length} selected={none} onClick={() => props.onSelect({ level: null, role: null })} />
          </li>
        </ul>
        <h3>By level</h3>
        <ul>
          {LEVELS.map((level) => (
            <li key={level.base}>
              <NodeButton
                label={`${level.base} · ${level.name}`}
                count={atLevel(level.base)}
                selected={props.selection.level === level.base && props.selection.role === null}
                onClick={() => props.onSelect({ level: level.base, role: null })}
              />
              <RoleBranch nodes={forest} level={level.base} props={props} />
            </li>
          ))}
        </ul>
        <h3>By role</h3>
        <RoleBranch nodes={forest} level={null} props={props} />
      </details>
    </nav>
  );
}
