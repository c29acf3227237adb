//! Attention weights as an SVG heatmap: one panel per weight matrix, query
//! tokens down the side, key tokens along the top, darker = more weight,
//! the weight in percent written in each cell, and the cells a mask hid
//! (weight exactly 0) in grey.
//!
//! GIVEN: this file is identical in the starter (labs/03-attention) and the
//! reference; a test in the reference checks that they stay equal.

use std::fmt::Write;

/// One weight matrix to draw: `weights[i][j]` is how much query `i` takes
/// from key `j`.
#[derive(Debug, Clone)]
pub struct Panel {
    /// Shown above the panel.
    pub title: String,
    /// Square matrix, one row per token.
    pub weights: Vec<Vec<f32>>,
}

const CELL: f64 = 46.0;
const LABEL: f64 = 118.0;
const GAP: f64 = 60.0;
const TOP: f64 = 70.0;

/// An SVG document with the panels side by side, labelled with `tokens`
/// (one per row and column of every panel).
pub fn render_svg(title: &str, tokens: &[String], panels: &[Panel]) -> String {
    let n = tokens.len() as f64;
    let panel_width = LABEL + n * CELL;
    let width = GAP / 2.0 + panels.len() as f64 * (panel_width + GAP);
    let height = TOP + LABEL + n * CELL + 70.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">"#
    );
    let _ = writeln!(
        svg,
        r#"<rect width="100%" height="100%" fill="white"/><text x="{:.0}" y="30" font-size="20" font-weight="bold">{}</text>"#,
        GAP / 2.0,
        escape(title)
    );
    for (p, panel) in panels.iter().enumerate() {
        let left = GAP / 2.0 + p as f64 * (panel_width + GAP);
        draw_panel(&mut svg, left, tokens, panel);
    }
    let _ = writeln!(
        svg,
        r##"<text x="{:.0}" y="{:.0}" font-size="13" fill="#444">Rows: the query token; columns: the key it looks at. Each row sums to 100%. Grey: hidden by the mask (weight exactly 0).</text>"##,
        GAP / 2.0,
        height - 24.0
    );
    svg.push_str("</svg>\n");
    svg
}

fn draw_panel(svg: &mut String, left: f64, tokens: &[String], panel: &Panel) {
    let grid_left = left + LABEL;
    let grid_top = TOP + LABEL;
    let _ = writeln!(
        svg,
        r#"<text x="{grid_left:.0}" y="{:.0}" font-size="16">{}</text>"#,
        TOP - 14.0,
        escape(&panel.title)
    );
    for (j, token) in tokens.iter().enumerate() {
        let x = grid_left + (j as f64 + 0.5) * CELL;
        let y = grid_top - 8.0;
        let _ = writeln!(
            svg,
            r#"<text x="{x:.1}" y="{y:.1}" font-size="14" transform="rotate(-55 {x:.1} {y:.1})">{}</text>"#,
            escape(token)
        );
    }
    for (i, row) in panel.weights.iter().enumerate() {
        let y = grid_top + i as f64 * CELL;
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="14" text-anchor="end">{}</text>"#,
            grid_left - 8.0,
            y + CELL / 2.0 + 5.0,
            escape(tokens.get(i).map_or("", String::as_str))
        );
        for (j, &w) in row.iter().enumerate() {
            draw_cell(svg, grid_left + j as f64 * CELL, y, w);
        }
    }
}

fn draw_cell(svg: &mut String, x: f64, y: f64, weight: f32) {
    let (fill, label) = if weight == 0.0 {
        ("#e4e4e4".to_owned(), String::new())
    } else {
        let percent = f64::from(weight) * 100.0;
        let label = if percent < 0.5 {
            "<1".to_owned()
        } else {
            format!("{percent:.0}")
        };
        (shade(weight), label)
    };
    let _ = writeln!(
        svg,
        r#"<rect x="{x:.1}" y="{y:.1}" width="{CELL}" height="{CELL}" fill="{fill}" stroke="white" stroke-width="1"/>"#
    );
    if !label.is_empty() {
        let ink = if weight > 0.45 { "white" } else { "#222" };
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="13" text-anchor="middle" fill="{ink}">{}</text>"#,
            x + CELL / 2.0,
            y + CELL / 2.0 + 5.0,
            escape(&label)
        );
    }
}

/// White (0) to deep blue (1), with a square-root ramp so that small weights
/// are still visible.
fn shade(weight: f32) -> String {
    let t = f64::from(weight.clamp(0.0, 1.0)).sqrt();
    let mix = |from: f64, to: f64| (from + (to - from) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, 8.0),
        mix(251.0, 48.0),
        mix(255.0, 107.0)
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
