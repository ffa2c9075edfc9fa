// Validates Adaptive Cards with Microsoft's own `adaptivecards` package.
// Input: one card (JSON) per line on stdin. Output: one JSON line per card,
// {"index": n, "errors": [...], "warnings": [...]}; exit code 1 when any card has an error.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const require = createRequire(import.meta.url);
const AC = require("adaptivecards/dist/adaptivecards.js");

const reader = createInterface({ input: process.stdin, crlfDelay: Infinity });
let index = 0;
let failed = false;
for await (const line of reader) {
  if (!line.trim()) continue;
  const errors = [];
  const warnings = [];
  try {
    const json = JSON.parse(line);
    const card = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    card.parse(json, context);
    // Every parse event (an unknown type, an invalid value, a missing required property)
    // is an error for us: Teams would drop or mis-render that part of the card.
    for (let i = 0; i < context.eventCount; i++) {
      const event = context.getEventAt(i);
      errors.push(`${AC.ValidationEvent[event.event] ?? event.event}: ${event.message}`);
    }
    for (const event of card.validateProperties().validationEvents) {
      errors.push(`${AC.ValidationEvent[event.event] ?? event.event}: ${event.message}`);
    }
    if (!card.version || card.version.toString() !== "1.5") {
      warnings.push(`version is ${card.version}`);
    }
  } catch (error) {
    errors.push(`exception: ${error && error.message ? error.message : error}`);
  }
  if (errors.length) failed = true;
  process.stdout.write(JSON.stringify({ index, errors, warnings }) + "\n");
  index += 1;
}
process.exitCode = failed ? 1 : 0;
