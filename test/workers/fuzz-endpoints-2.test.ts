/**
 * Fuzzing every endpoint that takes a JSON or YAML body, from the OpenAPI
 * document the Worker serves: share 2 of 2 (the other is
 * fuzz-endpoints.test.ts). The properties and the generators are in
 * test/support/endpoint-fuzz.ts; this share also checks that what a create
 * answers is what a read returns, whatever the text.
 */
import { fuzzEndpoints } from "../support/endpoint-fuzz";

fuzzEndpoints({ part: 1, parts: 2 });
