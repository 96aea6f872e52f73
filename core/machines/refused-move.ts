/**
 * The error for a move a state machine does not allow. It names the moves
 * that are allowed from the current state, so a client can correct itself
 * without reading the documentation.
 */
import { DomainError } from "../errors";

export function refusedMove(entity: "task" | "case", from: string, to: string, table: Readonly<Record<string, readonly string[]>>, path: string): DomainError {
  const allowed = Object.hasOwn(table, from) ? (table[from] ?? []) : [];
  const moves = allowed.length > 0 ? `allowed from ${from}: ${allowed.join(", ")}` : `${from} is final: no move is allowed`;
  const message = `cannot move a ${entity} from ${from} to ${to}; ${moves}`;
  return new DomainError("invalid_transition", message, [{ path, message }]);
}
