//! stub
pub struct RenderOptions;
pub struct RenderedFile;
pub fn render_chart() {}
