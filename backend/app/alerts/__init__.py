"""Price and indicator alerts: rules, evaluation engine, history and metrics."""
