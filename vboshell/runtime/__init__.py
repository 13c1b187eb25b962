"""vboshell's runtime: the evaluator, scopes, conversions, operators, member access, pipelines and errors.
Entry points: context.ExecutionContext (invoke/execute), members, operators, conversions, securestring."""
