//! `cargo bench --bench ui [-- frame|filters|key|throughput]`: what the lab's drawing costs.
//!
//! - `frame`: from the hand-built fixture snapshot (two models, 64 filters
//!   of 28×28), a whole frame at 120x40, 80x24 and 200x60 in each draw mode;
//!   the median time of one call.
//! - `filters`: one model's filter page alone (60x20, about its pane in a
//!   120x40 frame, 8x4-cell tiles: as many 28×28 filters as fit, each
//!   normalised and rasterised), in each draw mode.
//! - `key`: the time from a key press to the first drawn frame that shows
//!   it, while the demo trains on both cores behind a `Worker`: the lab's
//!   loop (`ui::run`) without the terminal, a 120x40 frame drawn into a
//!   buffer. The key is `[` then `]` (lr halved, then doubled back), at a
//!   random moment of the frame cycle; the frame must show the new lr in
//!   the status line. Also: until a snapshot says the trainer applied it.
//!
//! - `throughput`: the demo's training rate headless (the trainer's loop on
//!   this thread, as `aelab train` runs it) and with the lab open (the
//!   trainer behind a `Worker`, building its snapshots, and a 120x40 frame
//!   drawn into a buffer when a snapshot came, at most every 33 ms, as the
//!   lab draws), 4 s each after a second's warm-up, in eight adjacent pairs;
//!   the median of the pairs' ratios. Also, inside each lab run, the share
//!   of its time the trainer spent building snapshots and the share spent
//!   drawing: the cost itself, which the machine's load moves far less.
//!
//! No timed assertions: figures only.

use aelab::cli::{load_data, load_preset};
use aelab::train::partner::on_pool;
use aelab::train::{Trainer, Worker};
use aelab::ui::panes::filters;
use aelab::ui::{Action, App, ColorDepth, UiOptions, fixture, frame, render_buffer};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::sync::mpsc::TryRecvError;
use std::time::{Duration, Instant};

mod common;
use common::{report, time};

/// `ui::run`'s frame period (src/ui/run.rs: at most one redraw every 33 ms).
const FRAME: Duration = Duration::from_millis(33);
const KEYS: usize = 40;

fn options() -> UiOptions {
    UiOptions {
        ascii: false,
        colors: ColorDepth::Truecolor,
    }
}

fn main() {
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let wanted = |name: &str| filter.as_ref().is_none_or(|f| name.contains(f.as_str()));
    if wanted("frame") {
        frames();
    }
    if wanted("filters") {
        filter_page();
    }
    if wanted("key") {
        key_latency();
    }
    if wanted("throughput") {
        throughput();
    }
}

/// How long each way of `throughput` trains, and how many times; the
/// first second of each (page faults, the first slow views) is not counted.
const SPAN: Duration = Duration::from_secs(4);
const WARM_UP: Duration = Duration::from_secs(1);
const PAIRS: usize = 8;

/// The demo, with epochs enough to train through every measurement (its
/// own 30 end within 10 s on an idle machine, and then it pauses).
fn demo_trainer() -> Trainer {
    let preset = load_preset("demo", &["train.epochs=1000".into()]).expect("the demo preset");
    let (train, val) = load_data(&preset).expect("the demo's data");
    Trainer::new(preset, train, val).expect("the demo trains")
}

/// Samples a second of the demo trained headless for `SPAN` after `WARM_UP`,
/// on rayon's pool as `aelab train` and the lab's `Worker` run it.
fn headless() -> f64 {
    let mut trainer = demo_trainer();
    let batch = trainer.preset().batch;
    on_pool(|| {
        let warm = Instant::now();
        while warm.elapsed() < WARM_UP {
            trainer.step().expect("the demo trains");
        }
        let started = Instant::now();
        let mut steps = 0;
        while started.elapsed() < SPAN {
            trainer.step().expect("the demo trains");
            steps += 1;
        }
        (steps * batch) as f64 / started.elapsed().as_secs_f64()
    })
}

/// The demo behind the lab's loop for `SPAN` after `WARM_UP`.
struct LabRun {
    /// Samples a second, between the first and the last snapshot's step.
    rate: f64,
    /// The share of that span the trainer spent building snapshots
    /// (training waits for them), and the share this thread spent drawing.
    building: f64,
    drawing: f64,
}

fn lab_open() -> LabRun {
    let trainer = demo_trainer();
    let batch = trainer.preset().batch;
    let (commands, snapshots, thread) = Worker::spawn(trainer).split();
    let mut app = App::new(options());
    let (mut first, mut last) = (None, None);
    let (mut building, mut drawing) = (Duration::ZERO, Duration::ZERO);
    let started = Instant::now();
    while started.elapsed() < WARM_UP + SPAN {
        let mut changed = false;
        while let Ok(s) = snapshots.try_recv() {
            let seen = (s.step, Instant::now());
            if started.elapsed() >= WARM_UP {
                // The first one's build was before the span starts.
                if first.is_some() {
                    building += s.build_time;
                }
                first.get_or_insert(seen);
            }
            last = Some(seen);
            app.absorb(s);
            changed = true;
        }
        // As the lab: a frame when a snapshot changed it, at most every 33 ms.
        if changed {
            let drawn = Instant::now();
            frame::fit(&mut app, 120, 40);
            drop(render_buffer(&app, 120, 40));
            if first.is_some() {
                drawing += drawn.elapsed();
            }
        }
        std::thread::sleep(FRAME);
    }
    drop(commands);
    drop(snapshots);
    let _ = thread.join();
    // Too loaded a machine to send two snapshots in the span: a rate of 0 shows it.
    let Some(((s0, t0), (s1, t1))) = first.zip(last).filter(|(a, b)| b.1 > a.1) else {
        return LabRun {
            rate: 0.0,
            building: 0.0,
            drawing: 0.0,
        };
    };
    let span = (t1 - t0).as_secs_f64();
    LabRun {
        rate: ((s1 - s0) as usize * batch) as f64 / span,
        building: building.as_secs_f64() / span,
        drawing: drawing.as_secs_f64() / span,
    }
}

fn throughput() {
    let (mut bare, mut lab, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut building, mut drawing) = (Vec::new(), Vec::new());
    // Adjacent pairs, each in turn led by the other way: the shared
    // machine's load drifts over seconds, and a pair's ratio cancels some of it.
    for pair in 0..PAIRS {
        let (b, l) = if pair % 2 == 0 {
            let b = headless();
            (b, lab_open())
        } else {
            let l = lab_open();
            (headless(), l)
        };
        bare.push(b);
        lab.push(l.rate);
        ratios.push(l.rate / b);
        building.push(l.building);
        drawing.push(l.drawing);
    }
    let show = |v: &[f64], scale: f64, digits: usize| {
        let v: Vec<String> = v
            .iter()
            .map(|r| format!("{:.digits$}", r * scale))
            .collect();
        v.join(" · ")
    };
    println!(
        "the demo's samples/s, {}s each, {PAIRS} adjacent pairs:",
        SPAN.as_secs()
    );
    println!(
        "  headless (the trainer's loop)     {}",
        show(&bare, 1.0, 0)
    );
    println!("  lab open (Worker + 120x40 frames) {}", show(&lab, 1.0, 0));
    println!(
        "  lab open / headless, each pair, % {}",
        show(&ratios, 100.0, 0)
    );
    println!(
        "  lab open / headless: median of the pairs {:.1} %, of the medians {:.1} %",
        100.0 * median(&mut ratios.clone()),
        100.0 * median(&mut lab) / median(&mut bare)
    );
    // What the lab costs the trainer, measured inside each lab run (so the
    // machine's load, which scales both sides, cancels): the time training
    // waited for snapshots, and the drawing thread's time, which takes a
    // core from one of the two training threads.
    println!(
        "  trainer building snapshots, % of the span {}",
        show(&building, 100.0, 2)
    );
    println!(
        "  drawing frames, % of the span          {}",
        show(&drawing, 100.0, 2)
    );
    // Drawing takes one of the two cores from training; when it stalls a
    // training thread that the other waits for at a join, it costs its
    // whole time: the two ends.
    let (b, d) = (median(&mut building), median(&mut drawing));
    println!(
        "  lab open / headless from these medians: {:.1} % (1 - building - drawing / 2) to {:.1} % (1 - building - drawing)",
        100.0 * (1.0 - b - d / 2.0),
        100.0 * (1.0 - b - d)
    );
}

/// The middle value, or the mean of the two middle ones.
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn frames() {
    let mut app = App::new(options());
    app.absorb(fixture::snapshot(0, 0..400));
    app.absorb(fixture::snapshot(0, 400..1600));
    for (w, h) in [(120, 40), (80, 24), (200, 60)] {
        for mode in ["half-blocks", "braille", "ascii"] {
            frame::fit(&mut app, w, h);
            let name = format!("frame {w}x{h} {mode}");
            report(&name, time(|| drop(render_buffer(&app, w, h))), 0);
            app.update(Action::NextDrawMode);
        }
    }
}

fn filter_page() {
    let mut app = App::new(options());
    app.absorb(fixture::snapshot(0, 0..400));
    let area = Rect::new(0, 0, 60, 20);
    for mode in ["half-blocks", "braille", "ascii"] {
        let mut buf = Buffer::empty(area);
        let name = format!("filter page 60x20 {mode}");
        report(
            &name,
            time(|| filters::render(&app, 0, area, &mut buf, (8, 4))),
            0,
        );
        app.update(Action::NextDrawMode);
    }
}

/// What a key is waiting for: its lr on screen, then in a snapshot.
struct Pending {
    pressed: Instant,
    shown: String,
    lr: f64,
    drawn: Option<Duration>,
}

fn key_latency() {
    let (w, h) = (120, 40);
    let (commands, snapshots, thread) = Worker::spawn(demo_trainer()).split();
    let mut app = App::new(options());
    let mut rng = StdRng::seed_from_u64(7);
    let started = Instant::now();
    let warm_up = Duration::from_secs(3);
    let (mut dirty, mut next_frame) = (true, Instant::now());
    let mut next_key = started + warm_up;
    let mut pending: Option<Pending> = None;
    let (mut drawn, mut applied) = (Vec::new(), Vec::new());
    let mut presses = 0;
    while applied.len() < KEYS {
        let now = Instant::now();
        if dirty && now >= next_frame {
            frame::fit(&mut app, w, h);
            let text = frame::buffer_text(&render_buffer(&app, w, h));
            if let Some(p) = pending.as_mut().filter(|p| p.drawn.is_none())
                && text.contains(&p.shown)
            {
                p.drawn = Some(p.pressed.elapsed());
            }
            dirty = false;
            next_frame = Instant::now() + FRAME;
        }
        if pending.is_none() && now >= next_key {
            let key = if presses % 2 == 0 { '[' } else { ']' };
            presses += 1;
            let event = KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE);
            let pressed = Instant::now();
            for c in app.handle_key(event) {
                commands.send(c).expect("the trainer is running");
            }
            let lr = app.config(app.focus()).expect("a model").lr;
            pending = Some(Pending {
                pressed,
                shown: format!("lr {lr:.2e}"),
                lr,
                drawn: None,
            });
            dirty = true;
        }
        loop {
            match snapshots.try_recv() {
                Ok(s) => {
                    let confirmed = s.models.get(app.focus()).map(|m| m.config.lr);
                    app.absorb(s);
                    dirty = true;
                    if let Some(p) = pending.as_ref().filter(|p| p.drawn.is_some())
                        && confirmed == Some(p.lr)
                    {
                        drawn.push(p.drawn.unwrap_or_default());
                        applied.push(p.pressed.elapsed());
                        pending = None;
                        // The next key at a random point of the frame cycle.
                        next_key =
                            Instant::now() + Duration::from_millis(rng.random_range(50..150));
                    }
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => panic!("the trainer stopped"),
            }
        }
        // ui::run waits in event::poll, which a key ends at once.
        let wake = if dirty { next_frame } else { now + FRAME };
        let wake = if pending.is_none() {
            wake.min(next_key)
        } else {
            wake
        };
        std::thread::sleep(wake.saturating_duration_since(Instant::now()).min(FRAME));
    }
    let (samples_per_s, step) = app
        .snapshot()
        .map_or((0.0, 0), |s| (s.samples_per_s, s.step));
    drop(commands);
    drop(snapshots);
    let _ = thread.join();
    println!(
        "key press to frame, 120x40, the demo training ({samples_per_s:.0} samples/s at the end, step {step} after {:.1} s), {KEYS} keys:",
        started.elapsed().as_secs_f64()
    );
    for (name, mut t) in [
        ("shown (next frame drawn)", drawn),
        ("applied (trainer's snapshot)", applied),
    ] {
        t.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "  {name:<30} median {:>6.1} ms  p90 {:>6.1} ms  max {:>6.1} ms",
            ms(t[t.len() / 2]),
            ms(t[t.len() * 9 / 10]),
            ms(t[t.len() - 1])
        );
    }
}
