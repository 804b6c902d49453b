"""The one exception type the core raises for problems a user can fix."""


class CatdogError(ValueError):
    """A bad input or missing resource, told as: what happened, what was expected, how to fix it.

    The CLI prints it without a traceback and the pages show it with `st.error`;
    anything else that escapes is a bug and keeps its traceback.
    """

    def __init__(self, what: str, expected: str = "", fix: str = ""):
        self.what, self.expected, self.fix = what, expected, fix
        parts = [what]
        if expected:
            parts.append(f"Expected: {expected}")
        if fix:
            parts.append(f"Fix: {fix}")
        super().__init__("\n".join(parts))
