"""An import-linter contract: a domain is reached from another domain only through its public modules."""

from __future__ import annotations

from dataclasses import dataclass

import grimp
from importlinter import Contract, ContractCheck, fields, output


@dataclass(frozen=True)
class Violation:
    importer: str
    imported: str
    line_numbers: tuple[int | None, ...]


class DomainPublicApiContract(Contract):
    """Each child package of `container` (except `shared`) is a domain; another domain may import only its
    `public_modules` (and their descendants) or the package itself. The `shared` packages (core,
    integrations, quant) import no domain at all. `composition_root` modules wire every domain together
    and may import anything."""

    type_name = "domain_public_api"

    container = fields.StringField()
    shared = fields.ListField(subfield=fields.StringField(), required=False)
    public_modules = fields.ListField(subfield=fields.StringField())
    composition_root = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        container = str(self.container)
        shared = {f"{container}.{name}" for name in self.shared or []}  # type: ignore[attr-defined]
        roots = {f"{container}.{name}" for name in self.composition_root or []}  # type: ignore[attr-defined]
        public = set(self.public_modules)  # type: ignore[arg-type]
        domains = {child for child in graph.find_children(container) if child not in shared | roots}
        domains = {domain for domain in domains if graph.find_children(domain)}  # packages, not modules

        def top(module: str) -> str:
            return ".".join(module.split(".")[:2])

        def allowed(importer: str, imported: str) -> bool:
            source, target = top(importer), top(imported)
            if source in shared:
                return target not in domains and target not in roots
            if source not in domains or target not in domains or source == target or imported == target:
                return True
            return imported.split(".")[2] in public

        violations: list[Violation] = []
        for importer in sorted(graph.modules):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if allowed(importer, imported):
                    continue
                details = graph.get_import_details(importer=importer, imported=imported)
                lines = tuple(detail["line_number"] for detail in details)
                violations.append(Violation(importer, imported, lines))
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for violation in check.metadata["violations"]:
            lines = ", ".join(str(number) for number in violation.line_numbers)
            output.print_error(f"- {violation.importer} -> {violation.imported} (l.{lines})", bold=False)
            output.new_line()
        public = ", ".join(self.public_modules)  # type: ignore[attr-defined]
        output.print_error(
            f"A domain imports another only through its {public}; core, integrations and quant import no "
            "domain (DESIGN.md §3).",
            bold=False,
        )
        output.new_line()
