//! Frames of the lab from fixed, hand-built snapshots, stored as insta
//! snapshots of text plus per-cell colours (the filters live in the colours).
//! Also: no size panics, and `--ascii` frames are pure ASCII.

use aelab::ui::panes::{codes, filters, help, jacobian, loss, message, recon, rho_hat, status};
use aelab::ui::{
    Action, App, ColorDepth, UiOptions, buffer_dump, fixture, render_buffer, render_text,
};
use insta::assert_snapshot;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const UNICODE: UiOptions = UiOptions {
    ascii: false,
    colors: ColorDepth::Ansi256,
};
const ASCII: UiOptions = UiOptions {
    ascii: true,
    colors: ColorDepth::None,
};

/// Two snapshots of run 0 (600 steps), so the loss history spans both.
fn app(options: UiOptions) -> App {
    let mut app = App::new(options);
    app.absorb(fixture::snapshot(0, 0..400));
    app.absorb(fixture::snapshot(0, 400..600));
    app
}

fn frame(app: &App, width: u16, height: u16) -> String {
    buffer_dump(&render_buffer(app, width, height))
}

#[test]
fn whole_app_at_120x40() {
    assert_snapshot!("app_120x40", frame(&app(UNICODE), 120, 40));
}

#[test]
fn whole_app_at_80x24() {
    assert_snapshot!("app_80x24", frame(&app(UNICODE), 80, 24));
}

#[test]
fn whole_app_in_braille_on_truecolor_with_log_loss_and_focus_on_dae() {
    let mut a = app(UiOptions {
        ascii: false,
        colors: ColorDepth::Truecolor,
    });
    for action in [
        Action::NextDrawMode,
        Action::ToggleLogScale,
        Action::FocusNext,
        Action::CursorRight,
    ] {
        a.update(action);
    }
    assert_snapshot!("app_braille_truecolor_120x40", frame(&a, 120, 40));
}

#[test]
fn whole_app_in_ascii_at_120x40_and_80x24() {
    let a = app(ASCII);
    assert_snapshot!("app_ascii_120x40", frame(&a, 120, 40));
    assert_snapshot!("app_ascii_80x24", frame(&a, 80, 24));
}

#[test]
fn help_overlay_at_80x24() {
    let mut a = app(UiOptions {
        ascii: false,
        colors: ColorDepth::Ansi16,
    });
    a.update(Action::ToggleHelp);
    assert_snapshot!("help_80x24", frame(&a, 80, 24));
}

#[test]
fn before_the_first_snapshot() {
    assert_snapshot!("waiting_80x24", frame(&App::new(UNICODE), 80, 24));
}

/// Draws one pane alone into a `width` × `height` buffer.
fn pane(width: u16, height: u16, draw: impl Fn(&App, Rect, &mut Buffer)) -> String {
    let a = app(UNICODE);
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
    draw(&a, buf.area, &mut buf);
    buffer_dump(&buf)
}

#[test]
fn each_pane_alone_in_a_small_rect() {
    assert_snapshot!("pane_status", pane(110, 3, status::render));
    assert_snapshot!(
        "pane_loss",
        pane(40, 10, |a, r, b| loss::render(a, 1, r, b))
    );
    assert_snapshot!(
        "pane_rho_hat",
        pane(30, 7, |a, r, b| rho_hat::render(a, 1, r, b))
    );
    assert_snapshot!(
        "pane_jacobian",
        pane(30, 7, |a, r, b| jacobian::render(a, 0, r, b))
    );
    assert_snapshot!(
        "pane_filters",
        pane(50, 12, |a, r, b| filters::render(a, 0, r, b, (7, 4)))
    );
    assert_snapshot!(
        "pane_recon",
        pane(50, 7, |a, r, b| recon::render(a, 1, r, b, (7, 4)))
    );
    assert_snapshot!(
        "pane_codes",
        pane(50, 12, |a, r, b| codes::render(a, 0, r, b))
    );
    assert_snapshot!(
        "pane_message",
        pane(60, 1, |a, r, b| message::render(
            a,
            r,
            b,
            &["reconstructions hidden"]
        ))
    );
    assert_snapshot!("pane_help", pane(60, 28, help::render));
}

#[test]
fn tiny_and_odd_sizes_do_not_panic() {
    for options in [UNICODE, ASCII] {
        let mut a = app(options);
        for help in [false, true] {
            for (w, h) in [
                (0, 0),
                (1, 1),
                (5, 3),
                (20, 10),
                (0, 40),
                (120, 0),
                (33, 7),
                (300, 100),
                (400, 120),
                (400, 1),
                (1, 120),
            ] {
                render_text(&a, w, h);
            }
            a.update(Action::ToggleHelp);
            let _ = help;
        }
    }
}

proptest! {
    /// One lab resized before every frame, as a window being dragged: the
    /// grid, the page and the cursor follow each size without a panic.
    #[test]
    fn resizing_every_frame_never_panics(
        sizes in prop::collection::vec((1u16..=400, 1u16..=120), 1..12),
        keys in prop::collection::vec(0usize..6, 12),
    ) {
        let mut a = app(UNICODE);
        let actions = [
            Action::NextPage,
            Action::ToggleZoom,
            Action::ToggleCodes,
            Action::ToggleHelp,
            Action::NextDrawMode,
            Action::FocusNext,
        ];
        for ((w, h), key) in sizes.into_iter().zip(keys) {
            a.update(actions[key]);
            aelab::ui::frame::fit(&mut a, w, h);
            render_buffer(&a, w, h);
        }
    }

    #[test]
    fn any_size_renders_without_panic(w in 0u16..260, h in 0u16..90, help: bool, ascii: bool) {
        let mut a = app(if ascii { ASCII } else { UNICODE });
        if help {
            a.update(Action::ToggleHelp);
        }
        aelab::ui::frame::fit(&mut a, w, h);
        render_buffer(&a, w, h);
    }
}

#[test]
fn ascii_frames_contain_only_ascii() {
    let mut a = app(ASCII);
    for action in [
        Action::NextDrawMode,
        Action::ToggleLogScale,
        Action::FocusNext,
    ] {
        a.update(action);
    }
    for (w, h) in [(120, 40), (80, 24), (200, 60), (40, 12)] {
        for _ in 0..2 {
            let text = render_text(&a, w, h);
            let bad: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
            assert!(bad.is_empty(), "non-ASCII at {w}x{h}: {bad:?}\n{text}");
            a.update(Action::ToggleHelp);
        }
    }
}

/// The second `?` page (what the labels mean, the focused J term by term),
/// the enlarged filter and the labelled code space, at both sizes.
#[test]
fn labels_page_zoomed_filter_and_code_space_at_120x40_and_80x24() {
    let mut labels = app(UNICODE);
    labels.update(Action::ToggleHelp);
    labels.update(Action::ToggleHelp);
    let mut zoom = app(UNICODE);
    zoom.update(Action::ToggleZoom);
    let mut codes = app(UNICODE);
    codes.update(Action::ToggleCodes);
    for (w, h) in [(120, 40), (80, 24)] {
        assert_snapshot!(format!("labels_{w}x{h}"), render_text(&labels, w, h));
        assert_snapshot!(format!("zoom_{w}x{h}"), frame(&zoom, w, h));
        assert_snapshot!(format!("codes_{w}x{h}"), render_text(&codes, w, h));
    }
    let text = render_text(&labels, 120, 40);
    assert!(text.contains("J = ½‖x̂−x‖²"), "{text}");
}
