/**
 * `npm run eval`: the retrieval evaluation (issue 3) and the triage evaluation (issue 4), each printing our figures
 * beside its baselines measured in the same run. `npm run eval -- retrieval|triage [flags]` runs one.
 */
import { runRetrievalEval } from './retrieval';
import { runTriageEval } from './triage';

const [which, ...rest] = process.argv.slice(2);
if (!which || which === 'triage') {
  console.log('=== triage (scripts/eval/triage.ts)\n');
  runTriageEval(which ? rest : []);
}
if (!which || which === 'retrieval') {
  console.log('\n=== retrieval (scripts/eval/retrieval.ts)\n');
  runRetrievalEval(which ? rest : []);
}
