//! An import file read into rows: UTF-8 text, CSV (the export's columns, in any order) or a
//! JSON array (the export's objects). What makes the whole file unreadable is one message;
//! what is wrong with a row is that row's problem, with its line and column.

use app::server::import::ImportFile;

use super::{csv_rows, json_rows};

/// Reads `bytes` as CSV or JSON (a JSON file starts with `[`); `Err` says why the file as a
/// whole cannot be imported.
pub fn read(bytes: &[u8]) -> Result<ImportFile, String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err("The file is UTF-16 text: save it as UTF-8 and try again".into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err("This is a binary file, not CSV or JSON text".into());
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count();
        format!("The file is not UTF-8 text (line {line}): save it as UTF-8 and try again")
    })?;
    let file = match text.trim_start().as_bytes().first() {
        None => return Err("The file is empty".into()),
        Some(b'[') => json_rows::read(text)?,
        Some(b'{') => return Err("A JSON import is an array of users ([{\"email\": …}, …]), not one object".into()),
        Some(_) => csv_rows::read(text)?,
    };
    if file.total == 0 {
        return Err("The file holds no users".into());
    }
    Ok(file)
}

/// The line (from 1) at byte `offset` of `text`, counting on from `(from, line)`, an earlier
/// offset and its line, so that a walk through a file counts each newline once.
pub(super) fn line_at(text: &str, (from, line): (usize, u64), offset: usize) -> u64 {
    line + text.as_bytes()[from..offset].iter().filter(|b| **b == b'\n').count() as u64
}
