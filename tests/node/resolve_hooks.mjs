// dt-sql-parser ships ES modules whose imports omit the ".js" and "/index.js"
// that Node requires (they are written for bundlers): this resolve hook retries
// a relative import with them.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (!specifier.startsWith('.')) throw error;
    for (const suffix of ['.js', '/index.js']) {
      try {
        return await next(specifier + suffix, context);
      } catch {
        // try the next spelling
      }
    }
    throw error;
  }
}
