package org.openanolis.attestation.policies;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Type-checks and compiles policy documents into {@link CompiledPolicy} objects. Every rule is
 * checked against the declared inputs: {@code claims} ({@code map<string, dyn>}), {@code tee}
 * ({@code string}) and {@code reference} ({@code map<string, dyn>}); it must yield {@code bool}
 * and may read only the reference sets the policy declares. All errors of all rules are reported
 * together, each with the rule name and the 1-based line and column inside its expression.
 * Thread-safe; build one and share it.
 */
public final class PolicyCompiler {
    /** The CEL variable holding the device's verified claims. */
    public static final String CLAIMS = "claims";
    /** The CEL variable holding the TEE name ({@code claims.tee}). */
    public static final String TEE = "tee";
    /** The CEL variable holding the reference-value sets, by name. */
    public static final String REFERENCE = "reference";

    private final CelCompiler compiler;
    private final CelRuntime runtime;

    public PolicyCompiler() {
        this.compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar(CLAIMS, MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar(REFERENCE, MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar(TEE, SimpleType.STRING)
                .setResultType(SimpleType.BOOL)
                .build();
        this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    }

    /**
     * Compiles {@code document} under {@code identity}.
     *
     * @throws PolicyException {@link PolicyException.Code#EXPRESSION_INVALID} with one issue per error
     */
    public CompiledPolicy compile(PolicyDocument document, PolicyIdentity identity) throws PolicyException {
        return compile(document, identity, null);
    }

    /**
     * As {@link #compile(PolicyDocument, PolicyIdentity)}, keeping the document's bytes
     * ({@link CompiledPolicy#source()}) so that every appraisal can name the exact document it
     * used; {@code source}'s hash must be {@code identity}'s content hash.
     */
    public CompiledPolicy compile(PolicyDocument document, PolicyIdentity identity, DocumentSource source)
            throws PolicyException {
        List<PolicyIssue> issues = new ArrayList<>();
        List<CompiledPolicy.CompiledRule> rules = new ArrayList<>();
        Set<String> declared = Set.copyOf(document.references());
        for (int i = 0; i < document.rules().size(); i++) {
            PolicyRule rule = document.rules().get(i);
            String field = "rules[" + i + "].expr";
            CelValidationResult result = compiler.compile(rule.expression(), rule.name());
            if (result.hasError()) {
                for (CelIssue issue : result.getErrors()) {
                    CelSourceLocation loc = issue.getSourceLocation();
                    issues.add(position(field, rule.name(), loc, issue.getMessage()));
                }
                continue;
            }
            CelAbstractSyntaxTree ast;
            try {
                ast = result.getAst();
            } catch (CelValidationException e) {
                issues.add(new PolicyIssue(field, rule.name(), 0, 0, e.getMessage()));
                continue;
            }
            Set<List<String>> claimPaths = new LinkedHashSet<>();
            Set<List<String>> referencePaths = new LinkedHashSet<>();
            collectReads(ast.getExpr(), claimPaths, referencePaths);
            boolean undeclared = false;
            for (List<String> path : referencePaths) {
                if (path.isEmpty()) {
                    continue;
                }
                if (!declared.contains(path.get(0))) {
                    undeclared = true;
                    issues.add(position(field, rule.name(), locate(ast, path.subList(0, 1)), "reference set '" + path.get(0)
                            + "' is not declared in references"));
                }
            }
            if (undeclared) {
                continue;
            }
            CelRuntime.Program program;
            try {
                program = runtime.createProgram(ast);
            } catch (CelEvaluationException e) {
                issues.add(new PolicyIssue(field, rule.name(), 0, 0, e.getMessage()));
                continue;
            }
            rules.add(new CompiledPolicy.CompiledRule(rule, program, readPaths(claimPaths), readPaths(referencePaths)));
        }
        if (!issues.isEmpty()) {
            PolicyIssue first = issues.get(0);
            throw new PolicyException(PolicyException.Code.EXPRESSION_INVALID, first.field(),
                    issues.size() + " expression error(s); first: " + first, issues, null);
        }
        return new CompiledPolicy(identity, document, rules, source);
    }

    private static List<CompiledPolicy.ReadPath> readPaths(Set<List<String>> paths) {
        List<CompiledPolicy.ReadPath> out = new ArrayList<>(paths.size());
        for (List<String> p : paths) {
            out.add(CompiledPolicy.ReadPath.of(p));
        }
        return List.copyOf(out);
    }

    private static PolicyIssue position(String field, String rule, CelSourceLocation loc, String message) {
        int line = loc == null || loc.getLine() < 1 ? 0 : loc.getLine();
        int column = loc == null || loc.getColumn() < 0 ? 0 : loc.getColumn() + 1;
        return new PolicyIssue(field, rule, line, column, message);
    }

    private static CelSourceLocation locate(CelAbstractSyntaxTree ast, List<String> path) {
        // The position of the select/index node naming the set (CEL places a selection at its dot).
        Optional<Long> id = findPathId(ast.getExpr(), path);
        if (id.isEmpty()) {
            return CelSourceLocation.NONE;
        }
        Integer offset = ast.getSource().getPositionsMap().get(id.get());
        return offset == null ? CelSourceLocation.NONE
                : ast.getSource().getOffsetLocation(offset).orElse(CelSourceLocation.NONE);
    }

    private static Optional<Long> findPathId(CelExpr e, List<String> path) {
        Optional<PathRef> p = pathOf(e);
        if (p.isPresent() && p.get().root.equals(REFERENCE) && p.get().segments.equals(path)) {
            return Optional.of(e.id());
        }
        for (CelExpr child : children(e)) {
            Optional<Long> found = findPathId(child, path);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** A chain of constant field selections or string indexes rooted at a variable. */
    private record PathRef(String root, List<String> segments) {}

    private static Optional<PathRef> pathOf(CelExpr e) {
        switch (e.getKind()) {
            case IDENT:
                return Optional.of(new PathRef(e.ident().name(), List.of()));
            case SELECT: {
                Optional<PathRef> base = pathOf(e.select().operand());
                return base.map(b -> append(b, e.select().field()));
            }
            case CALL: {
                CelExpr.CelCall call = e.call();
                if (call.function().equals("_[_]") && call.args().size() == 2
                        && call.args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT
                        && call.args().get(1).constant().getKind() == CelConstant.Kind.STRING_VALUE) {
                    Optional<PathRef> base = pathOf(call.args().get(0));
                    return base.map(b -> append(b, call.args().get(1).constant().stringValue()));
                }
                return Optional.empty();
            }
            default:
                return Optional.empty();
        }
    }

    private static PathRef append(PathRef base, String segment) {
        List<String> s = new ArrayList<>(base.segments);
        s.add(segment);
        return new PathRef(base.root, List.copyOf(s));
    }

    /** Records the longest constant paths under {@code claims} and {@code reference}. */
    private static void collectReads(CelExpr e, Set<List<String>> claims, Set<List<String>> reference) {
        Optional<PathRef> p = pathOf(e);
        if (p.isPresent() && (p.get().root.equals(CLAIMS) || p.get().root.equals(REFERENCE))) {
            (p.get().root.equals(CLAIMS) ? claims : reference).add(p.get().segments);
            return;
        }
        for (CelExpr child : children(e)) {
            collectReads(child, claims, reference);
        }
    }

    private static List<CelExpr> children(CelExpr e) {
        List<CelExpr> out = new ArrayList<>();
        switch (e.getKind()) {
            case SELECT -> out.add(e.select().operand());
            case CALL -> {
                e.call().target().ifPresent(out::add);
                out.addAll(e.call().args());
            }
            case LIST -> out.addAll(e.list().elements());
            case MAP -> e.map().entries().forEach(en -> {
                out.add(en.key());
                out.add(en.value());
            });
            case STRUCT -> e.struct().entries().forEach(en -> out.add(en.value()));
            case COMPREHENSION -> {
                CelExpr.CelComprehension c = e.comprehension();
                out.add(c.iterRange());
                out.add(c.accuInit());
                out.add(c.loopCondition());
                out.add(c.loopStep());
                out.add(c.result());
            }
            default -> { }
        }
        return out;
    }
}
