// The harness self-test hovers over `answer` (TypeScript answers: const answer: 42).
const answer = 42;
console.log(answer);
