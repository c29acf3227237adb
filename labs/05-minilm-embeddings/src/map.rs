//! A 2-D map of embeddings: a PCA projection (the two directions along
//! which the embeddings vary most) drawn as a self-contained SVG, for when
//! looking beats reading a table of similarities.

use std::fmt::Write as _;

/// The map: each row's coordinates on the first two principal components,
/// and the share of the total variance each component explains.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// `[pc1, pc2]` per input row.
    pub points: Vec<[f64; 2]>,
    /// Fraction of the variance along pc1 and pc2 (0..=1).
    pub explained: [f64; 2],
}

/// Project `rows` (equal lengths) onto their first two principal components,
/// found by power iteration on the centred data (deterministic: fixed start
/// vector, each component's largest entry made positive).
pub fn pca_2d(rows: &[Vec<f32>]) -> Projection {
    let n = rows.len();
    let d = rows.first().map_or(0, Vec::len);
    if n == 0 || d == 0 {
        return Projection {
            points: vec![[0.0, 0.0]; n],
            explained: [0.0, 0.0],
        };
    }
    let mut mean = vec![0.0f64; d];
    for row in rows {
        for (m, x) in mean.iter_mut().zip(row) {
            *m += f64::from(*x) / n as f64;
        }
    }
    let centred: Vec<Vec<f64>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .zip(&mean)
                .map(|(x, m)| f64::from(*x) - m)
                .collect()
        })
        .collect();
    let total: f64 = centred.iter().flatten().map(|x| x * x).sum();
    let first = component(&centred, &[]);
    let second = component(&centred, std::slice::from_ref(&first));
    let project = |row: &Vec<f64>, pc: &[f64]| row.iter().zip(pc).map(|(x, p)| x * p).sum::<f64>();
    let points: Vec<[f64; 2]> = centred
        .iter()
        .map(|row| [project(row, &first), project(row, &second)])
        .collect();
    let along = |k: usize| points.iter().map(|p| p[k] * p[k]).sum::<f64>();
    let explained = if total > 0.0 {
        [along(0) / total, along(1) / total]
    } else {
        [0.0, 0.0]
    };
    Projection { points, explained }
}

/// The unit direction of largest variance of `x`, orthogonal to `previous`.
fn component(x: &[Vec<f64>], previous: &[Vec<f64>]) -> Vec<f64> {
    let d = x[0].len();
    let mut v: Vec<f64> = (0..d).map(|i| 1.0 + (i as f64 * 0.618).sin()).collect();
    let scale: f64 = x.iter().flatten().map(|a| a * a).sum();
    let orthogonalise = |v: &mut Vec<f64>| {
        for p in previous {
            let along: f64 = v.iter().zip(p).map(|(a, b)| a * b).sum();
            v.iter_mut().zip(p).for_each(|(a, b)| *a -= along * b);
        }
    };
    orthogonalise(&mut v);
    for _ in 0..300 {
        // v <- X^T (X v), kept orthogonal to the earlier components.
        let xv: Vec<f64> = x
            .iter()
            .map(|row| row.iter().zip(&v).map(|(a, b)| a * b).sum())
            .collect();
        let mut next = vec![0.0; d];
        for (row, s) in x.iter().zip(&xv) {
            next.iter_mut().zip(row).for_each(|(n, r)| *n += s * r);
        }
        orthogonalise(&mut next);
        let norm = next.iter().map(|a| a * a).sum::<f64>().sqrt();
        // No variance left in any direction (rounding noise aside).
        if norm <= 1e-12 * scale {
            return vec![0.0; d];
        }
        v = next.into_iter().map(|a| a / norm).collect();
    }
    let largest = v
        .iter()
        .copied()
        .max_by(|a, b| a.abs().total_cmp(&b.abs()))
        .unwrap_or(1.0);
    if largest < 0.0 {
        v.iter_mut().for_each(|a| *a = -*a);
    }
    v
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A self-contained SVG of `projection` with one label per point
/// (labels longer than 40 characters are shortened).
pub fn svg(projection: &Projection, labels: &[&str], title: &str) -> String {
    let (width, height, pad) = (800.0, 600.0, 60.0);
    let xs = projection.points.iter().map(|p| p[0]);
    let ys = projection.points.iter().map(|p| p[1]);
    let range = |it: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = it.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
        if lo > hi {
            (-1.0, 1.0)
        } else if hi - lo < 1e-12 {
            (lo - 1.0, hi + 1.0)
        } else {
            (lo, hi)
        }
    };
    let (x0, x1) = range(&mut xs.into_iter());
    let (y0, y1) = range(&mut ys.into_iter());
    let sx = |x: f64| pad + (x - x0) / (x1 - x0) * (width - 2.0 * pad);
    let sy = |y: f64| height - pad - (y - y0) / (y1 - y0) * (height - 2.0 * pad);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{}" y="28" font-size="18" text-anchor="middle">{}</text>"#,
        width / 2.0,
        escape(title)
    );
    let _ = writeln!(
        out,
        r##"<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="#555">PC1 ({:.0}% of the variance)</text>"##,
        width / 2.0,
        height - 15.0,
        projection.explained[0] * 100.0
    );
    let _ = writeln!(
        out,
        r##"<text x="18" y="{}" font-size="12" text-anchor="middle" fill="#555" transform="rotate(-90 18 {})">PC2 ({:.0}% of the variance)</text>"##,
        height / 2.0,
        height / 2.0,
        projection.explained[1] * 100.0
    );
    for (point, label) in projection.points.iter().zip(labels) {
        let (x, y) = (sx(point[0]), sy(point[1]));
        let short: String = if label.chars().count() > 40 {
            label.chars().take(37).chain("...".chars()).collect()
        } else {
            label.to_string()
        };
        let _ = writeln!(
            out,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="5" fill="#3b6fb6"/><text x="{:.1}" y="{:.1}" font-size="12">{}</text>"##,
            x + 8.0,
            y + 4.0,
            escape(&short)
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_on_a_line_project_onto_the_first_component() {
        let rows: Vec<Vec<f32>> = (0..5)
            .map(|i| vec![i as f32, 2.0 * i as f32, 0.0])
            .collect();
        let map = pca_2d(&rows);
        assert!((map.explained[0] - 1.0).abs() < 1e-9, "{map:?}");
        assert!(map.points.iter().all(|p| p[1].abs() < 1e-9));
        let spread = map.points[4][0] - map.points[0][0];
        assert!((spread.abs() - 4.0 * 5f64.sqrt()).abs() < 1e-9, "{map:?}");
    }

    #[test]
    fn the_svg_escapes_labels() {
        let map = pca_2d(&[vec![0.0, 1.0], vec![1.0, 0.0]]);
        let text = svg(&map, &["a<b", "c&d"], "t");
        assert!(
            text.contains("a&lt;b") && text.contains("c&amp;d"),
            "{text}"
        );
        assert!(text.starts_with("<svg") && text.ends_with("</svg>\n"));
    }
}
