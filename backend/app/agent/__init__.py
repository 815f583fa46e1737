"""The AI research agent: a LangChain ReAct loop over the product's own services, with memory and budgets."""
