/**
 * Organization commands: first initialisation, the profile, users and tokens.
 * Secrets arrive already hashed: plaintext tokens and passwords never reach
 * the object's storage or its outbox.
 */
import { DomainError, notFound } from "../../core/errors";
import { roleParent } from "../../core/labels";
import type { Position } from "../../core/model";
import type { Profile } from "../../core/profiles";
import type { OrgMeta, StoredToken, StoredUser } from "../store/org-store";
import type { OrgStore } from "../store/org-store";
import { auditEvent, iso, type CommandContext } from "./context";

/** Creates a role record for every profile role and each implied parent; existing ones stay. */
export function syncRoles(store: OrgStore, roles: readonly string[]): void {
  const wanted = new Set<string>();
  for (const role of roles) {
    for (let r: string | null = role; r; r = roleParent(r)) wanted.add(r);
  }
  // Parents before children, so the order of the roles list reads as a tree.
  for (const name of [...wanted].sort((a, b) => a.split(".").length - b.split(".").length || a.localeCompare(b))) {
    if (!store.roleByName(name)) store.insertRole({ role_id: crypto.randomUUID(), name, parent: roleParent(name) });
  }
}

/** What creating a user takes: the stored user's own fields, the rest is set here. */
export type UserDraft = Pick<StoredUser, "email" | "display_name" | "password_hash" | "admin" | "positions">;

export function checkPositions(ctx: CommandContext, positions: Position[]): void {
  positions.forEach((p, i) => {
    if (!ctx.store.roleByName(p.role)) {
      throw new DomainError("validation", `${p.role} is not a role of this organization`, [{ path: `positions.${i}.role`, message: `unknown role ${p.role}` }]);
    }
  });
}

export function createUser(ctx: CommandContext, draft: UserDraft): StoredUser {
  const email = draft.email.toLowerCase();
  if (ctx.store.userByEmail(email)) {
    throw new DomainError("duplicate", "a user with this email exists", [{ path: "email", message: "already taken" }]);
  }
  checkPositions(ctx, draft.positions);
  const now = iso(ctx.now);
  const user: StoredUser = {
    user_id: crypto.randomUUID(),
    email,
    display_name: draft.display_name,
    admin: draft.admin,
    positions: draft.positions,
    password_hash: draft.password_hash,
    active: true,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  ctx.store.putUser(user);
  ctx.store.audit(
    auditEvent(ctx, "user.created", "user", user.user_id, {
      email: user.email,
      display_name: user.display_name,
      admin: user.admin,
      positions: user.positions,
    }),
    null,
  );
  return user;
}

/** What changing a user may touch; a password can be replaced but never removed. */
export type UserChange = Partial<Pick<StoredUser, "display_name" | "positions" | "admin" | "active">> & { password_hash?: string };

/** Changing a user; deactivating one, changing its rights or its password revokes every token it holds at once. */
export function updateUser(ctx: CommandContext, userId: string, change: UserChange): StoredUser {
  const before = ctx.store.getUser(userId);
  if (!before) throw notFound("user");
  if (change.positions) checkPositions(ctx, change.positions);
  const next: StoredUser = {
    ...before,
    ...(change.display_name !== undefined ? { display_name: change.display_name } : {}),
    ...(change.positions !== undefined ? { positions: change.positions } : {}),
    ...(change.admin !== undefined ? { admin: change.admin } : {}),
    ...(change.active !== undefined ? { active: change.active } : {}),
    ...(change.password_hash !== undefined ? { password_hash: change.password_hash } : {}),
    updated_at: iso(ctx.now),
    version: before.version + 1,
  };
  ctx.store.putUser(next);
  const changes: Record<string, unknown> = {};
  for (const key of ["display_name", "positions", "admin", "active"] as const) {
    if (JSON.stringify(before[key]) !== JSON.stringify(next[key])) changes[key] = { from: before[key], to: next[key] };
  }
  if (change.password_hash !== undefined) changes.password = "changed";
  ctx.store.audit(auditEvent(ctx, "user.updated", "user", userId, changes), null);
  // Tokens carry the holder's rights: a deactivated user, changed rights or a new password end the old tokens.
  if (change.active === false || change.positions !== undefined || change.admin !== undefined || change.password_hash !== undefined) {
    for (const token of ctx.store.allTokens()) {
      if (token.user_id === userId && !token.revoked_at) revokeToken(ctx, token.token_id);
    }
  }
  return next;
}

/** A token as issued: everything the store keeps but what issuing adds (id, creation, revocation, version). */
export type TokenDraft = Omit<StoredToken, "token_id" | "revoked_at" | "created_at" | "version">;

export function createToken(ctx: CommandContext, draft: TokenDraft): StoredToken {
  checkPositions(ctx, draft.positions);
  const token: StoredToken = {
    token_id: crypto.randomUUID(),
    ...draft,
    revoked_at: null,
    created_at: iso(ctx.now),
    version: 1,
  };
  ctx.store.putToken(token);
  ctx.store.audit(
    auditEvent(ctx, "token.created", "token", token.token_id, {
      name: token.name,
      kind: token.kind,
      user_id: token.user_id,
      admin: token.admin,
      positions: token.positions,
      expires_at: token.expires_at,
    }),
    null,
  );
  return token;
}

export function revokeToken(ctx: CommandContext, tokenId: string): void {
  const token = ctx.store.getToken(tokenId);
  if (!token) throw notFound("token");
  if (token.revoked_at) return;
  ctx.store.putToken({ ...token, revoked_at: iso(ctx.now), version: token.version + 1 });
  ctx.store.audit(auditEvent(ctx, "token.revoked", "token", tokenId, { revoked_at: iso(ctx.now) }), null);
}

export interface InitArgs {
  org: OrgMeta;
  profile: Profile;
  profile_yaml: string;
  admin: UserDraft;
  token_hash: string;
}

export function initializeOrg(ctx: CommandContext, args: InitArgs): { admin: StoredUser; token: StoredToken } {
  if (ctx.store.org()) throw new DomainError("duplicate", "organization already initialised");
  ctx.store.setMeta("org", args.org);
  setProfile(ctx, args.profile, args.profile_yaml);
  ctx.store.audit(auditEvent(ctx, "org.created", "org", args.org.org_id, { slug: args.org.slug, name: args.org.name, profile: args.org.profile_name }), null);
  const admin = createUser(ctx, { ...args.admin, admin: true });
  const token = createToken(ctx, {
    token_hash: args.token_hash,
    kind: "api",
    name: "initial admin token",
    user_id: admin.user_id,
    admin: true,
    positions: admin.positions,
    expires_at: null,
  });
  return { admin, token };
}

/** Makes `profile` the organization's; returns it, the profile later commands run with. */
export function setProfile(ctx: CommandContext, profile: Profile, yaml: string): Profile {
  const before = ctx.store.getMeta<Profile>("profile");
  // Every change is a new version; what the old one routed and timed keeps its number (and its deadlines).
  const version = before ? (ctx.store.getMeta<number>("profile_version") ?? 1) + 1 : 1;
  ctx.store.setMeta("profile_version", version);
  ctx.store.setMeta("profile", profile);
  ctx.store.setMeta("profile_yaml", yaml);
  syncRoles(ctx.store, profile.roles);
  if (ctx.store.org()) ctx.store.putOrgSettings(profile);
  if (before) {
    ctx.store.audit(auditEvent(ctx, "profile.updated", "profile", profile.name, { name: { from: before.name, to: profile.name }, version }), null);
  }
  return profile;
}
