/**
 * Imports the TUI's modules with React in production mode. React and its reconciler pick their build
 * from `NODE_ENV` when first evaluated, and the development build is several times slower per frame
 * and records a performance mark per render that is never freed. `NODE_ENV` is set only for the
 * import and removed again, so the processes ovrseer starts never inherit it; a value the user set is
 * left alone.
 */
export async function importTui<T>(load: () => Promise<T>): Promise<T> {
  const previous = process.env.NODE_ENV;
  if (previous === undefined) process.env.NODE_ENV = 'production';
  try {
    return await load();
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
  }
}
