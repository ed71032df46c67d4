"""Form pieces shared by every page: labelled fields whose label really belongs to its input, with room
for a message right under the field, filled either by state (`error=`) or by page script (`error_slot=`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from thrust.ui.buttons import page_action
from thrust.ui.cards import alert_notice, wide_card
from thrust.ui.layout import column, end_row, grid, row, stacked
from thrust.ui.text import muted_text

ERROR_STYLE = {
    "font_size": "var(--font-size-1)",
    "color": "var(--red-11)",
    "line_height": "1.4",
    "white_space": "pre-line",
}


# Controls whose element is the one focused, so their own attributes are what screen readers read.
TEXT_CONTROLS = frozenset({"TextField.Root", "TextArea", "input", "textarea"})


def _error_id(control_id: Any) -> Any:
    # A row's id (a Var, inside a foreach) stays a Var: as an f-string it would be a str, and Reflex gives
    # an element whose id is a str a React ref of its own.
    return control_id + "-error" if isinstance(control_id, rx.Var) else f"{control_id}-error"


def field(
    label: str,
    control: rx.Component,
    *,
    control_id: str,
    hint: str | None = None,
    error: rx.Var | None = None,
    error_slot: str | None = None,
    optional: bool = False,
    trailing: rx.Component | None = None,
) -> rx.Component:
    """A label (a real <label for=...>, so screen readers and tests find the input) above a control.

    `error`: a state var whose text, when not empty, shows under the control. `error_slot`: the field
    name for an empty, hidden element that page script fills (`data-thrust-field-error`).
    """
    label_row = row(
        rx.el.label(
            label, html_for=control_id, style={"font_size": "var(--font-size-2)", "font_weight": "500"}
        ),
        *([muted_text("Optional", size="1")] if optional else []),
        rx.spacer(),
        *([trailing] if trailing is not None else []),
        align="baseline",
        width="100%",
    )
    below: list[rx.Component] = []
    if error is not None:
        below.append(error_line(error, control_id=control_id))
    if error_slot is not None:
        below.append(
            rx.el.p(
                id=_error_id(control_id),
                hidden=True,
                custom_attrs={"data-thrust-field-error": error_slot},
                style=ERROR_STYLE,
            )
        )
    if hint:  # after the message: what is wrong comes first
        below.append(muted_text(hint, size="1", id=_hint_id(control_id)))
        _describe_with_hint(control, control_id, error)
    return stacked(label_row, control, *below, gap="1")


def error_line(text: Any, *, control_id: Any = None, **props: Any) -> rx.Component:
    """A message in red, shown only when `text` is not empty, that screen readers say at once.

    With `control_id` it is the message of that control (`#<control_id>-error`, the id `invalid_attrs`
    names); `props` go to the line (id…).
    """
    if control_id is not None:
        props["id"] = _error_id(control_id)
    return rx.cond(text != "", rx.el.p(text, role="alert", style=ERROR_STYLE, **props))


def _hint_id(control_id: str) -> str:
    return f"{control_id}-hint"


def _describe_with_hint(control: rx.Component, control_id: str, error: rx.Var | None) -> None:
    """Screen readers read the hint with the field (after its message, when there is one)."""
    if control.tag not in TEXT_CONTROLS:
        return  # a select's trigger, not its root, is what screen readers focus
    attrs = control.custom_attrs
    if "aria-describedby" in attrs and not isinstance(attrs["aria-describedby"], rx.Var):
        return  # the control names what describes it itself
    hint = _hint_id(control_id)
    attrs["aria-describedby"] = (
        hint if error is None else rx.cond(error != "", f"{_error_id(control_id)} {hint}", hint)
    )


def invalid_attrs(control_id: str, error: rx.Var | None) -> dict[str, Any]:
    """aria-invalid / aria-describedby for a control whose message is `error` (a state var)."""
    if error is None:
        return {}
    return {
        "aria-invalid": rx.cond(error != "", "true", "false"),
        "aria-describedby": rx.cond(error != "", _error_id(control_id), ""),
    }


def text_input(
    *,
    name: str,
    control_id: str,
    error: rx.Var | None = None,
    default_value: Any = None,
    **props: Any,
) -> rx.Component:
    """An uncontrolled input for a Reflex form (no event per keystroke) that marks itself invalid."""
    attrs = {**invalid_attrs(control_id, error), **props.pop("custom_attrs", {})}
    if default_value is not None:
        props["default_value"] = default_value
    return rx.input(id=control_id, name=name, size="3", width="100%", custom_attrs=attrs, **props)


def form_message_slot() -> rx.Component:
    """The (hidden until needed) box where page script shows the server's message for a whole form."""
    return alert_notice(
        "circle-alert",
        rx.el.span(custom_attrs={"data-thrust-auth-message-text": ""}),
        variant="soft",
        size="1",
        hidden=True,
        custom_attrs={"data-thrust-auth-message": ""},
    )


def section(title: str, description: str, *children: rx.Component, **props: Any) -> rx.Component:
    """A settings card: a heading with one line of explanation, then its content."""
    return wide_card(
        stacked(
            column(rx.heading(title, size="4", weight="bold"), muted_text(description), gap="1"),
            *children,
            gap="5",
        ),
        size="3",
        **props,
    )


def field_error(errors: rx.Var, name: str) -> rx.Var:
    """The message for field `name` in a state's {field: message} var ("" when none)."""
    return errors.get(name, "").to(str)


def text_field(
    label: str,
    name: str,
    *,
    control_id: str | None = None,
    errors: rx.Var | None = None,
    error: rx.Var | None = None,
    error_slot: str | None = None,
    default_value: Any = None,
    hint: str | None = None,
    optional: bool = False,
    trailing: rx.Component | None = None,
    **input_props: Any,
) -> rx.Component:
    """A labelled text input with its message under it, in one call (`field` around `text_input`).

    `name`: what the form sends; also the input's id unless `control_id` says otherwise.
    The message: `errors`, the state's {field: message} var (read for `name`), or `error`, a text var,
    or `error_slot` for page script to fill. Other keywords go to the input (type, placeholder…).
    """
    control_id = control_id or name
    if errors is not None and error is None:
        error = field_error(errors, name)
    return field(
        label,
        text_input(name=name, control_id=control_id, error=error, default_value=default_value, **input_props),
        control_id=control_id,
        hint=hint,
        error=error,
        error_slot=error_slot,
        optional=optional,
        trailing=trailing,
    )


def password_field(label: str, name: str, *, auto_complete: str, **props: Any) -> rx.Component:
    """`text_field` for a password: `auto_complete` tells password managers which one it is
    ("current-password" or "new-password")."""
    return text_field(label, name, type="password", auto_complete=auto_complete, **props)


def email_field(label: str, name: str, *, auto_complete: str, **props: Any) -> rx.Component:
    """`text_field` for an e-mail address: a phone shows its e-mail keyboard, but the input is plain
    text, so a bad address gets the server's message next to the field, not the browser's bubble."""
    return text_field(label, name, type="text", input_mode="email", auto_complete=auto_complete, **props)


def select_field(
    label: str,
    name: str,
    *items: rx.Component,
    control_id: str,
    errors: rx.Var,
    default_value: Any,
    hint: str | None = None,
) -> rx.Component:
    """A labelled select of `items` (`rx.select.item`s, or an `rx.foreach` of them) that the form sends
    as `name`, with its message under it. The trigger is what takes the focus, so it is the one that
    says when the field has a message."""
    error = field_error(errors, name)
    return field(
        label,
        rx.select.root(
            rx.select.trigger(id=control_id, width="100%", custom_attrs=invalid_attrs(control_id, error)),
            rx.select.content(*items),
            name=name,
            default_value=default_value,
            size="3",
        ),
        control_id=control_id,
        error=error,
        hint=hint,
    )


@dataclass(frozen=True)
class Fields:
    """The fields of one server-checked form, each showing its message from `errors` (the state's
    {field: message} var), so a field is one call: name, id and starting value::

        fields = Fields(ProfileState.errors, ProfileState.form_key)
        fields.form(
            fields.text("Full name", "fullName", "profile-name", ProfileState.full_name),
            submit="Save profile", on_submit=ProfileState.save_profile, form_id="profile-form",
        )

    Other keywords go to `text_field` (hint, optional, type…), and through it to the input.
    `key`: the state's form counter, which re-mounts the fields of `form` with fresh values.
    """

    errors: rx.Var
    key: Any = None

    def form(
        self, *children: rx.Component, submit: str, on_submit: Any, form_id: str, submit_icon: str = "check"
    ) -> rx.Component:
        """`server_form` of `children` (these fields, one above the other), re-mounted when `key` changes."""
        return server_form(
            *children,
            submit=submit,
            on_submit=on_submit,
            key=self.key,
            form_id=form_id,
            submit_icon=submit_icon,
        )

    def text(self, label: str, name: str, control_id: str, default: Any = None, **props: Any) -> rx.Component:
        return text_field(
            label, name, control_id=control_id, errors=self.errors, default_value=default, **props
        )

    def email(
        self, label: str, name: str, control_id: str, default: Any = None, **props: Any
    ) -> rx.Component:
        return email_field(
            label, name, control_id=control_id, errors=self.errors, default_value=default, **props
        )

    def password(self, label: str, name: str, control_id: str, **props: Any) -> rx.Component:
        return password_field(label, name, control_id=control_id, errors=self.errors, **props)

    def number(
        self, label: str, name: str, control_id: str, default: Any = None, **props: Any
    ) -> rx.Component:
        """A count of 1 or more (`max=` caps it), with the phone's number keyboard."""
        return self.text(
            label, name, control_id, default, type="number", min=1, input_mode="numeric", **props
        )

    def select(
        self,
        label: str,
        name: str,
        *items: rx.Component,
        control_id: str,
        default: Any,
        hint: str | None = None,
    ) -> rx.Component:
        return select_field(
            label, name, *items, control_id=control_id, errors=self.errors, default_value=default, hint=hint
        )


# Quick typists (keys ~100 ms apart) send one search per pause; a search takes a few ms on the server.
SEARCH_DEBOUNCE_MS = 100


def search_input(
    *slots: rx.Component, value: rx.Var, on_change: Any, icon_size: int = 16, **props: Any
) -> rx.Component:
    """A large search box with a magnifier (`icon_size` across) on its left, whose text goes to `on_change`
    once typing pauses (SEARCH_DEBOUNCE_MS), with no browser autocomplete over the results; `slots` are
    more `rx.input.slot`s after the magnifier (a spinner and a clear button on the right)."""
    return rx.input(
        rx.input.slot(rx.icon("search", size=icon_size)),
        *slots,
        value=value,
        on_change=on_change,
        debounce_timeout=SEARCH_DEBOUNCE_MS,
        auto_complete="off",
        size="3",
        width="100%",
        **props,
    )


# A settings form's width: lines short enough to read, two fields side by side.
FORM_WIDTH = "44rem"


def two_columns(*children: rx.Component) -> rx.Component:
    """Fields side by side (one above the other on a phone)."""
    return grid(*children, columns=rx.breakpoints(initial="1", sm="2"))


def submit_button(label: str, icon: str = "check", **props: Any) -> rx.Component:
    """A form's submit button: its icon, then its label; `props` go to the button (variant, loading…)."""
    return page_action(icon, label, type="submit", size="3", **props)


def submit_row(label: str, icon: str = "check") -> rx.Component:
    """A form's submit button, at the right under its fields."""
    return end_row(submit_button(label, icon), padding_top="0.25rem")


def loading_rows(rows: int = 3) -> rx.Component:
    """Placeholder bars while a form's data loads (so nobody types into a form about to be refilled)."""
    return stacked(
        *[rx.skeleton(rx.box(height="2.5rem", width="100%"), loading=True) for _ in range(rows)],
        aria_busy="true",
    )


def settings_section(
    title: str,
    description: str,
    content: rx.Component,
    *,
    loaded: rx.Var | None = None,
    placeholder_rows: int = 3,
    **props: Any,
) -> rx.Component:
    """A settings tab's `section`, no wider than a form (FORM_WIDTH). Until `loaded` (a state var) is
    true, `placeholder_rows` bars stand in for `content` (see `loading_rows`); `props` go to the card."""
    body = content if loaded is None else rx.cond(~loaded, loading_rows(placeholder_rows), content)
    return section(title, description, body, max_width=FORM_WIDTH, **props)


def labelled_switch(label: rx.Component, *, gap: str = "2", **switch_props: Any) -> rx.Component:
    """A switch and the text that names it, in one <label>: a click on the text flips the switch, and
    screen readers read the text as the switch's name. `switch_props` go to the switch (checked,
    on_change, id…)."""
    return rx.el.label(row(rx.switch(**switch_props), label, gap=gap))


def server_form(
    *children: rx.Component,
    submit: str,
    on_submit: Any,
    key: Any,
    form_id: str,
    submit_icon: str = "check",
) -> rx.Component:
    """A `checked_form` of fields one above the other (and a heading, maybe); the submit button
    (`submit`, `submit_icon`) comes last."""
    return checked_form(
        stacked(*children, submit_row(submit, submit_icon)), on_submit=on_submit, key=key, form_id=form_id
    )


def checked_form(
    *children: rx.Component, on_submit: Any, key: Any, form_id: str, **props: Any
) -> rx.Component:
    """A form whose fields the server checks: its messages, in our words, show next to each field (the
    browser's own checks are off), the values stay when sent, and a new `key` (a state counter, or the
    values the server settled on) re-mounts the uncontrolled inputs with fresh values. `props` go to
    the form; it is full width unless they say otherwise."""
    return rx.form(
        *children,
        on_submit=on_submit,
        reset_on_submit=False,
        no_validate=True,
        key=key,
        id=form_id,
        **{"width": "100%", **props},
    )
