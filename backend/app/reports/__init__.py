"""Generated analysis reports: builder, templates and exporters."""
