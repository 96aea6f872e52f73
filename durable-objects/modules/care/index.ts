/**
 * Care/HR in the organization's object: personnel records and consents (its
 * own tables, copied to D1 through the outbox) and intakes, which open a
 * screened case in the same transaction as the person and their consents.
 * `care_erasures` holds an erasure while it runs (durable-objects/commands/erase-person.ts);
 * it exists in every organization, since erasure is not gated by the module.
 */
import { defineModule } from "../definition";
import { recordConsent } from "./consents";
import { intake } from "./intake";
import { putPersonnel } from "./personnel";

export const careModule = defineModule({
  name: "care",
  tables: [
    `CREATE TABLE care_personnel (person_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data TEXT NOT NULL);
     CREATE TABLE care_consents (person_id TEXT NOT NULL, purpose TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (person_id, purpose));
     CREATE TABLE care_erasures (person_id TEXT PRIMARY KEY, data TEXT NOT NULL);`,
  ],
  commands: {
    putPersonnel,
    recordConsent,
    intake,
  },
});
