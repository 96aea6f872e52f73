/**
 * Fuzzing every endpoint that takes a JSON or YAML body, from the OpenAPI
 * document the Worker serves: share 1 of 2 (the other is
 * fuzz-endpoints-2.test.ts). The properties and the generators are in
 * test/support/endpoint-fuzz.ts; this share also checks that the document
 * still lists the JSON endpoints known today, and that unknown keys are
 * reported at their own path.
 */
import { fuzzEndpoints } from "../support/endpoint-fuzz";

fuzzEndpoints({ part: 0, parts: 2 });
