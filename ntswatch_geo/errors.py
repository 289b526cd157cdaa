"""Errors that carry a message meant for the person at the keyboard."""


class InputError(Exception):
    """Bad input: the message names the file (or row and field), the problem and what is allowed.

    The CLI prints it as one line and exits with code 2; the UI shows it with st.error.
    """
