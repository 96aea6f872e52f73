import { it } from "vitest";
import { SHIPPED_PROFILES } from "../../profiles/bundle.generated";
import { loadProfile } from "../../core/profiles";
const cases: Record<string, string> = {
  dur: "name: x\nreactivity:\n  high: 1 hour\n",
  unknown: "name: x\nprivacy: open\nreactivty:\n  high: PT1H\n",
  nestedUnknown: "name: x\nescalation:\n  step: PT1H\n  stepp: PT2H\n",
  badLabel: "name: x\ndefault_label: 1001.Operations\n",
  unknownRole: "name: x\nroles: [Ops]\ndefault_label: 1001.14.Ops\nflow_rules:\n  - id: a\n    when: {}\n    then:\n      case: { label: 1001.91.Opps }\n",
  dup: "name: x\nflow_rules:\n  - id: a\n    when: {}\n    then: {}\n  - id: a\n    when: {}\n    then: {}\n",
  regex: "name: x\nflow_rules:\n  - id: a\n    when:\n      regex: ['(unclosed']\n    then: {}\n",
  syntax: "name: x\nroles: [a, b\nprivacy: open\n",
  privacy: "name: x\nprivacy: secret\n",
  retention: "name: x\nretention:\n  audit: -5\n",
  emptyRoles: "name: x\nroles: []\n",
  types: "name: x\nflow_rules: nope\nretention:\n  audit: lots\n",
  noName: "privacy: open\n",
  empty: "",
  list: "- a\n- b\n",
  owner: "name: x\nflow_rules:\n  - id: a\n    when: { keywords: [x] }\n    then:\n      tasks:\n        - { title: t, owner_role: Nobody }\n",
  placeholder: "name: x\nflow_rules:\n  - id: a\n    when: { keywords: [x] }\n    then:\n      dedupe_key: '{{site}}'\n",
  channel: "name: x\nnotifications:\n  rules:\n    - { on: new_case, channels: [email] }\n",
  business: "name: x\nreactivity_mode:\n  low: business\n",
  cycleA: "name: a\nextends: b\n",
  unknownParent: "name: x\nextends: nope\n",
  multi: "name: x\nprivacy: secret\nreactivity:\n  high: soon\nflow_rules:\n  - id: a\n    when: {}\n    then: {}\n  - id: a\n    when: {}\n    then: { case: { label: 1001.14.Nope } }\n",
  roleSyntax: "name: x\nroles: [Ops, 'ops team']\n",
  dupkey: "name: x\nprivacy: open\nprivacy: need_to_know\n",
};
const parents: Record<string, string> = { a: "name: a\nextends: b\n", b: "name: b\nextends: a\n", ...SHIPPED_PROFILES };
it("scratch", () => {
  for (const [name, text] of Object.entries(cases)) {
    const r = loadProfile(text, (n) => parents[n]);
    console.log(name, r.ok ? "OK" : JSON.stringify(r.errors));
  }
});
