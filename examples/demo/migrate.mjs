// A one-shot task: runs after the database is ready and must succeed before the API starts.
console.log('migrate: applying 3 migrations');
setTimeout(() => {
  console.log('migrate: done');
  process.exit(0);
}, 300);
