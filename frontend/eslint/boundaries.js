/** A local ESLint rule: features never import each other (nor the app shell); shared code never imports a feature. */
import path from "node:path";

const SRC = path.resolve(import.meta.dirname, "..", "src");
// What a feature may import besides itself and packages (`test` holds the unit tests' fake API and render).
const SHARED = new Set(["components", "lib", "api", "stores", "realtime", "test"]);

/** ["features", "alerts"] or ["lib"]: where a file or import target sits under src/, or null outside it. */
function area(file) {
  const relative = path.relative(SRC, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return null;
  const [top, sub] = relative.split(path.sep);
  return top === "features" ? ["features", sub] : [top];
}

function target(source, filename) {
  if (source.startsWith("@/")) return path.join(SRC, source.slice(2));
  if (source.startsWith(".")) return path.resolve(path.dirname(filename), source);
  return null; // a package
}

function problem(from, to) {
  if (!from || !to) return null;
  if (from[0] === "features") {
    if (to[0] === "features" && to[1] !== from[1]) return `Feature "${from[1]}" imports feature "${to[1]}": move what both need to src/components or src/lib`;
    if (to[0] !== "features" && !SHARED.has(to[0])) return `Feature "${from[1]}" imports src/${to[0]}: features may import components, lib, api, stores, realtime and themselves`;
    return null;
  }
  if (SHARED.has(from[0]) && (to[0] === "features" || to[0] === "app")) return `src/${from[0]} imports src/${to.join("/")}: shared code never depends on a feature or the app shell`;
  return null;
}

const rule = {
  meta: { type: "problem", docs: { description: "Features do not import each other" }, schema: [] },
  create(context) {
    const from = area(context.filename);
    const check = (node) => {
      if (!node.source || typeof node.source.value !== "string") return;
      const resolved = target(node.source.value, context.filename);
      const message = resolved && problem(from, area(resolved));
      if (message) context.report({ node: node.source, message });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { rules: { "feature-boundaries": rule } };
