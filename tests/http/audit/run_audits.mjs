// Runs graphql-http's serverAudits (the GraphQL-over-HTTP spec's reference audits)
// against a live server and prints one JSON array of {id, name, status, reason}.
// Usage: node run_audits.mjs http://127.0.0.1:PORT/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node run_audits.mjs URL');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url })) {
  // one at a time: the log of a failing run then reads in audit order
  const result = await audit.fn();
  results.push({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.status === 'ok' ? null : result.reason,
  });
}
process.stdout.write(JSON.stringify(results) + '\n');
