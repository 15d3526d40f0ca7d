//! The sample products' pictures, drawn here: flat illustrations of a tajine, a rug, a
//! basket and the rest, so the demo carries no photo of unknown origin. Each comes out as
//! a JPEG, the way a phone's camera hands one over, and goes through the photo pipeline.

use tiny_skia::{Color, FillRule, Paint, Path, PathBuilder, Pixmap, Rect, Stroke, Transform};

/// Pictures are square, this many pixels a side.
const SIDE: u32 = 800;

/// What each sample is a picture of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drawing {
    Tajine,
    Rug,
    Basket,
    Fibula,
    ArganOil,
    Slippers,
    Pouf,
    Lantern,
    Box,
    Blanket,
    Plate,
    Fossil,
}

const CLAY: (u8, u8, u8) = (178, 84, 52);
const CLAY_DARK: (u8, u8, u8) = (120, 52, 30);
const SAFFRON: (u8, u8, u8) = (228, 168, 48);
const INDIGO: (u8, u8, u8) = (38, 66, 120);
const CREAM: (u8, u8, u8) = (246, 236, 216);
const GREEN: (u8, u8, u8) = (46, 110, 84);
const BRASS: (u8, u8, u8) = (196, 150, 60);
const SILVER: (u8, u8, u8) = (170, 176, 184);
const STRAW: (u8, u8, u8) = (214, 180, 112);
const WOOD: (u8, u8, u8) = (150, 96, 52);
const STONE: (u8, u8, u8) = (92, 88, 84);

impl Drawing {
    pub const ALL: [Drawing; 12] = [
        Drawing::Tajine,
        Drawing::Rug,
        Drawing::Basket,
        Drawing::Fibula,
        Drawing::ArganOil,
        Drawing::Slippers,
        Drawing::Pouf,
        Drawing::Lantern,
        Drawing::Box,
        Drawing::Blanket,
        Drawing::Plate,
        Drawing::Fossil,
    ];

    /// The picture as a JPEG.
    pub fn jpeg(self) -> Vec<u8> {
        let mut c = Canvas::new(self.background());
        match self {
            Drawing::Tajine => tajine(&mut c),
            Drawing::Rug => rug(&mut c),
            Drawing::Basket => basket(&mut c),
            Drawing::Fibula => fibula(&mut c),
            Drawing::ArganOil => argan_oil(&mut c),
            Drawing::Slippers => slippers(&mut c),
            Drawing::Pouf => pouf(&mut c),
            Drawing::Lantern => lantern(&mut c),
            Drawing::Box => wooden_box(&mut c),
            Drawing::Blanket => blanket(&mut c),
            Drawing::Plate => plate(&mut c),
            Drawing::Fossil => fossil(&mut c),
        }
        c.jpeg()
    }

    fn background(self) -> (u8, u8, u8) {
        match self {
            Drawing::Tajine | Drawing::Plate | Drawing::Fossil => (238, 226, 204),
            Drawing::Rug | Drawing::Blanket => (230, 222, 210),
            Drawing::Basket | Drawing::ArganOil => (222, 232, 220),
            Drawing::Fibula | Drawing::Lantern => (44, 52, 70),
            Drawing::Slippers | Drawing::Pouf | Drawing::Box => (236, 218, 200),
        }
    }
}

struct Canvas(Pixmap);

impl Canvas {
    fn new((r, g, b): (u8, u8, u8)) -> Canvas {
        // A fixed, non-zero size: the allocation cannot fail for lack of a size.
        let mut pixmap = Pixmap::new(SIDE, SIDE).unwrap_or_else(|| unreachable!());
        pixmap.fill(Color::from_rgba8(r, g, b, 255));
        Canvas(pixmap)
    }

    fn fill(&mut self, path: Option<Path>, (r, g, b): (u8, u8, u8)) {
        if let Some(path) = path {
            let mut paint = Paint::default();
            paint.set_color_rgba8(r, g, b, 255);
            paint.anti_alias = true;
            self.0.fill_path(
                &path,
                &paint,
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
    }

    fn stroke(&mut self, path: Option<Path>, (r, g, b): (u8, u8, u8), width: f32) {
        if let Some(path) = path {
            let mut paint = Paint::default();
            paint.set_color_rgba8(r, g, b, 255);
            paint.anti_alias = true;
            let stroke = Stroke {
                width,
                line_cap: tiny_skia::LineCap::Round,
                ..Stroke::default()
            };
            self.0
                .stroke_path(&path, &paint, &stroke, Transform::identity(), None);
        }
    }

    fn circle(&mut self, x: f32, y: f32, r: f32, colour: (u8, u8, u8)) {
        self.fill(PathBuilder::from_circle(x, y, r), colour);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, colour: (u8, u8, u8)) {
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            self.fill(Some(PathBuilder::from_rect(rect)), colour);
        }
    }

    fn ellipse(&mut self, x: f32, y: f32, rx: f32, ry: f32, colour: (u8, u8, u8)) {
        if let Some(rect) = Rect::from_xywh(x - rx, y - ry, rx * 2.0, ry * 2.0) {
            self.fill(PathBuilder::from_oval(rect), colour);
        }
    }

    fn polygon(&mut self, points: &[(f32, f32)], colour: (u8, u8, u8)) {
        self.fill(polygon(points), colour);
    }

    /// A soft shadow under an object standing at `y`.
    fn shadow(&mut self, x: f32, y: f32, rx: f32) {
        self.ellipse(x, y, rx, rx * 0.12, (200, 188, 170));
    }

    fn jpeg(self) -> Vec<u8> {
        // Opaque pixels: premultiplied and straight RGBA are the same bytes.
        let mut out = Vec::new();
        let encoder = jpeg_encoder::Encoder::new(&mut out, 88);
        let side = SIDE as u16;
        // Encoding a well-formed buffer into memory does not fail.
        let _ = encoder.encode(self.0.data(), side, side, jpeg_encoder::ColorType::Rgba);
        out
    }
}

/// A closed shape through `points`.
fn polygon(points: &[(f32, f32)]) -> Option<Path> {
    through(points, true)
}

/// An open line through `points`.
fn line(points: &[(f32, f32)]) -> Option<Path> {
    through(points, false)
}

fn through(points: &[(f32, f32)], closed: bool) -> Option<Path> {
    let mut pb = PathBuilder::new();
    let (first, rest) = points.split_first()?;
    pb.move_to(first.0, first.1);
    for p in rest {
        pb.line_to(p.0, p.1);
    }
    if closed {
        pb.close();
    }
    pb.finish()
}

fn tajine(c: &mut Canvas) {
    c.shadow(400.0, 640.0, 300.0);
    // The dish.
    c.ellipse(400.0, 590.0, 290.0, 50.0, CLAY_DARK);
    c.ellipse(400.0, 575.0, 290.0, 45.0, CLAY);
    // The cone, its stripes and its knob.
    let mut pb = PathBuilder::new();
    pb.move_to(150.0, 570.0);
    pb.quad_to(330.0, 420.0, 380.0, 190.0);
    pb.line_to(420.0, 190.0);
    pb.quad_to(470.0, 420.0, 650.0, 570.0);
    pb.close();
    c.fill(pb.finish(), CLAY);
    for (y, half) in [(500.0, 190.0), (420.0, 110.0), (330.0, 62.0)] {
        c.stroke(line(&[(400.0 - half, y), (400.0 + half, y)]), SAFFRON, 14.0);
    }
    c.circle(400.0, 180.0, 34.0, CLAY_DARK);
    c.circle(400.0, 172.0, 22.0, SAFFRON);
}

fn rug(c: &mut Canvas) {
    let (x, y, w, h) = (170.0, 110.0, 460.0, 580.0);
    // Fringes top and bottom.
    for i in 0..24 {
        let fx = x + 10.0 + i as f32 * (w - 20.0) / 23.0;
        c.stroke(line(&[(fx, y - 40.0), (fx, y)]), CREAM, 5.0);
        c.stroke(line(&[(fx, y + h), (fx, y + h + 40.0)]), CREAM, 5.0);
    }
    c.rect(x, y, w, h, (176, 42, 40));
    c.rect(x + 24.0, y + 24.0, w - 48.0, h - 48.0, CREAM);
    c.rect(x + 44.0, y + 44.0, w - 88.0, h - 88.0, (176, 42, 40));
    // Three diamonds down the middle, each with an eye.
    for i in 0..3 {
        let cy = y + 130.0 + i as f32 * 160.0;
        c.polygon(
            &[
                (400.0, cy - 70.0),
                (500.0, cy),
                (400.0, cy + 70.0),
                (300.0, cy),
            ],
            INDIGO,
        );
        c.polygon(
            &[
                (400.0, cy - 36.0),
                (450.0, cy),
                (400.0, cy + 36.0),
                (350.0, cy),
            ],
            SAFFRON,
        );
    }
}

fn basket(c: &mut Canvas) {
    c.shadow(400.0, 660.0, 260.0);
    c.polygon(
        &[
            (160.0, 330.0),
            (640.0, 330.0),
            (580.0, 650.0),
            (220.0, 650.0),
        ],
        STRAW,
    );
    // The weave: rows and slanted ribs.
    for i in 0..7 {
        let y = 360.0 + i as f32 * 44.0;
        let inset = (y - 330.0) * 60.0 / 320.0;
        c.stroke(line(&[(160.0 + inset, y), (640.0 - inset, y)]), WOOD, 7.0);
    }
    for i in 0..9 {
        let top = 190.0 + i as f32 * 52.0;
        let bottom = 240.0 + i as f32 * 40.0;
        c.stroke(line(&[(top, 332.0), (bottom, 648.0)]), (190, 150, 84), 5.0);
    }
    c.ellipse(400.0, 330.0, 240.0, 40.0, (190, 150, 84));
    c.ellipse(400.0, 330.0, 210.0, 28.0, (120, 90, 50));
    // The handle.
    let mut pb = PathBuilder::new();
    pb.move_to(200.0, 330.0);
    pb.cubic_to(220.0, 90.0, 580.0, 90.0, 600.0, 330.0);
    c.stroke(pb.finish(), WOOD, 22.0);
    // A band of colour.
    c.rect(200.0, 470.0, 400.0, 26.0, (176, 42, 40));
}

fn fibula(c: &mut Canvas) {
    // A Berber fibula: a triangle hung from a ring, with stones.
    c.polygon(&[(400.0, 300.0), (600.0, 650.0), (200.0, 650.0)], SILVER);
    c.polygon(
        &[(400.0, 360.0), (545.0, 620.0), (255.0, 620.0)],
        (210, 214, 220),
    );
    c.circle(400.0, 250.0, 120.0, SILVER);
    c.circle(400.0, 250.0, 84.0, (44, 52, 70));
    c.stroke(line(&[(280.0, 250.0), (520.0, 190.0)]), SILVER, 18.0);
    c.circle(400.0, 520.0, 40.0, (176, 42, 40));
    c.circle(310.0, 600.0, 22.0, GREEN);
    c.circle(490.0, 600.0, 22.0, GREEN);
    for x in [250.0, 325.0, 400.0, 475.0, 550.0] {
        c.stroke(line(&[(x, 650.0), (x, 710.0)]), SILVER, 6.0);
        c.circle(x, 718.0, 12.0, SILVER);
    }
}

fn argan_oil(c: &mut Canvas) {
    c.shadow(400.0, 690.0, 170.0);
    // The bottle, its oil, its label and cork.
    c.rect(340.0, 150.0, 120.0, 120.0, (200, 214, 200));
    c.rect(250.0, 260.0, 300.0, 430.0, (200, 214, 200));
    c.rect(262.0, 330.0, 276.0, 348.0, SAFFRON);
    c.rect(280.0, 420.0, 240.0, 150.0, CREAM);
    c.stroke(line(&[(310.0, 470.0), (490.0, 470.0)]), GREEN, 10.0);
    c.stroke(line(&[(330.0, 520.0), (470.0, 520.0)]), GREEN, 10.0);
    c.rect(350.0, 100.0, 100.0, 70.0, WOOD);
    // An argan leaf beside it.
    let mut pb = PathBuilder::new();
    pb.move_to(560.0, 660.0);
    pb.quad_to(700.0, 600.0, 700.0, 470.0);
    pb.quad_to(600.0, 540.0, 560.0, 660.0);
    c.fill(pb.finish(), GREEN);
}

fn slippers(c: &mut Canvas) {
    for (x, colour) in [(270.0, SAFFRON), (530.0, (176, 42, 40))] {
        c.shadow(x, 690.0, 120.0);
        let mut pb = PathBuilder::new();
        pb.move_to(x, 120.0);
        pb.cubic_to(x + 130.0, 160.0, x + 120.0, 640.0, x, 690.0);
        pb.cubic_to(x - 120.0, 640.0, x - 130.0, 160.0, x, 120.0);
        pb.close();
        c.fill(pb.finish(), colour);
        // The opening and its stitching.
        c.ellipse(x, 500.0, 80.0, 150.0, CLAY_DARK);
        c.stroke(line(&[(x, 150.0), (x, 340.0)]), CREAM, 6.0);
    }
}

fn pouf(c: &mut Canvas) {
    c.shadow(400.0, 650.0, 300.0);
    c.ellipse(400.0, 520.0, 290.0, 130.0, (150, 80, 44));
    c.rect(110.0, 360.0, 580.0, 160.0, (150, 80, 44));
    c.ellipse(400.0, 360.0, 290.0, 130.0, (184, 108, 60));
    // The embroidered star on top.
    for i in 0..8 {
        let a = i as f32 * std::f32::consts::PI / 4.0;
        let (dx, dy) = (a.cos(), a.sin() * 0.45);
        c.stroke(
            line(&[(400.0, 360.0), (400.0 + 220.0 * dx, 360.0 + 220.0 * dy)]),
            SAFFRON,
            12.0,
        );
    }
    c.ellipse(400.0, 360.0, 70.0, 32.0, GREEN);
    for x in [170.0, 290.0, 400.0, 510.0, 630.0] {
        c.stroke(line(&[(x, 470.0), (x, 560.0)]), CREAM, 8.0);
    }
}

fn lantern(c: &mut Canvas) {
    // Light around it, then the brass body pierced with windows.
    c.circle(400.0, 430.0, 300.0, (72, 76, 84));
    c.circle(400.0, 430.0, 220.0, (110, 100, 80));
    c.stroke(line(&[(400.0, 40.0), (400.0, 160.0)]), BRASS, 10.0);
    c.polygon(&[(400.0, 150.0), (480.0, 230.0), (320.0, 230.0)], BRASS);
    c.polygon(
        &[
            (300.0, 230.0),
            (500.0, 230.0),
            (540.0, 600.0),
            (260.0, 600.0),
        ],
        BRASS,
    );
    for row in 0..4 {
        for col in 0..3 {
            let x = 330.0 + col as f32 * 70.0 + row as f32 * 4.0 - 8.0;
            let y = 270.0 + row as f32 * 80.0;
            c.polygon(
                &[
                    (x + 20.0, y),
                    (x + 40.0, y + 30.0),
                    (x + 20.0, y + 60.0),
                    (x, y + 30.0),
                ],
                (255, 226, 140),
            );
        }
    }
    c.polygon(
        &[
            (250.0, 600.0),
            (550.0, 600.0),
            (500.0, 680.0),
            (300.0, 680.0),
        ],
        (150, 110, 40),
    );
}

fn wooden_box(c: &mut Canvas) {
    c.shadow(400.0, 650.0, 280.0);
    // Front, top and side of a thuya box, with its inlay.
    c.polygon(
        &[
            (130.0, 380.0),
            (560.0, 380.0),
            (560.0, 640.0),
            (130.0, 640.0),
        ],
        WOOD,
    );
    c.polygon(
        &[
            (130.0, 380.0),
            (250.0, 270.0),
            (680.0, 270.0),
            (560.0, 380.0),
        ],
        (186, 124, 70),
    );
    c.polygon(
        &[
            (560.0, 380.0),
            (680.0, 270.0),
            (680.0, 530.0),
            (560.0, 640.0),
        ],
        (120, 74, 38),
    );
    c.polygon(
        &[
            (405.0, 290.0),
            (500.0, 325.0),
            (405.0, 360.0),
            (310.0, 325.0),
        ],
        CREAM,
    );
    c.rect(150.0, 470.0, 390.0, 14.0, CREAM);
    c.rect(320.0, 400.0, 50.0, 70.0, BRASS);
}

fn blanket(c: &mut Canvas) {
    // A folded handira: stripes, sequins and tassels.
    c.rect(140.0, 160.0, 520.0, 480.0, CREAM);
    for (i, colour) in [INDIGO, (176, 42, 40), SAFFRON, INDIGO, GREEN]
        .into_iter()
        .enumerate()
    {
        c.rect(140.0, 200.0 + i as f32 * 90.0, 520.0, 26.0, colour);
    }
    for row in 0..4 {
        for col in 0..9 {
            c.circle(
                175.0 + col as f32 * 56.0,
                250.0 + row as f32 * 90.0,
                7.0,
                SILVER,
            );
        }
    }
    for i in 0..6 {
        let x = 170.0 + i as f32 * 92.0;
        c.stroke(line(&[(x, 640.0), (x, 710.0)]), CREAM, 10.0);
    }
}

fn plate(c: &mut Canvas) {
    c.shadow(400.0, 700.0, 260.0);
    c.circle(400.0, 400.0, 300.0, (250, 248, 240));
    c.stroke(PathBuilder::from_circle(400.0, 400.0, 280.0), INDIGO, 16.0);
    c.stroke(PathBuilder::from_circle(400.0, 400.0, 200.0), INDIGO, 8.0);
    // A Safi rosette: petals around a centre.
    for i in 0..8 {
        let a = i as f32 * std::f32::consts::PI / 4.0;
        c.circle(
            400.0 + 130.0 * a.cos(),
            400.0 + 130.0 * a.sin(),
            46.0,
            INDIGO,
        );
        c.circle(
            400.0 + 240.0 * a.cos(),
            400.0 + 240.0 * a.sin(),
            14.0,
            GREEN,
        );
    }
    c.circle(400.0, 400.0, 60.0, SAFFRON);
}

fn fossil(c: &mut Canvas) {
    // A polished stone with an ammonite spiral.
    c.shadow(400.0, 680.0, 300.0);
    c.ellipse(400.0, 420.0, 320.0, 260.0, STONE);
    c.ellipse(400.0, 410.0, 300.0, 240.0, (120, 114, 108));
    let mut pb = PathBuilder::new();
    let turns = 3.2_f32;
    let steps = 200;
    for i in 0..=steps {
        let t = i as f32 / steps as f32;
        let a = t * turns * std::f32::consts::TAU;
        let r = 14.0 + 190.0 * t;
        let (x, y) = (400.0 + r * a.cos(), 410.0 + r * a.sin() * 0.85);
        if i == 0 {
            pb.move_to(x, y);
        } else {
            pb.line_to(x, y);
        }
    }
    c.stroke(pb.finish(), (232, 220, 196), 12.0);
    for i in 0..16 {
        let a = i as f32 * std::f32::consts::TAU / 16.0;
        let (r1, r2) = (120.0, 196.0);
        c.stroke(
            line(&[
                (400.0 + r1 * a.cos(), 410.0 + r1 * a.sin() * 0.85),
                (400.0 + r2 * a.cos(), 410.0 + r2 * a.sin() * 0.85),
            ]),
            (200, 190, 170),
            4.0,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_drawing_is_a_distinct_picture_the_photo_pipeline_takes() {
        let mut hashes = std::collections::BTreeSet::new();
        for drawing in Drawing::ALL {
            let jpeg = drawing.jpeg();
            let processed = hanout_media::process(&jpeg, &hanout_media::Options::default())
                .unwrap_or_else(|e| panic!("{drawing:?}: {e}"));
            assert_eq!(
                (processed.upload.width, processed.upload.height),
                (SIDE, SIDE)
            );
            // Drawn, not blank: a flat picture of one colour would compress to almost nothing.
            assert!(jpeg.len() > 15_000, "{drawing:?} is {} bytes", jpeg.len());
            hashes.insert(processed.upload.jpeg);
        }
        assert_eq!(hashes.len(), Drawing::ALL.len());
    }
}
