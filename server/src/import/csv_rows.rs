//! CSV import files: a header line naming the export's columns, in any order, then a user per
//! record. Cells the export escaped against spreadsheet formulas (`'=…`) are read back as
//! they were.

use std::collections::HashMap;

use app::domain::TagKey;
use app::server::import::{RawRow, RowProblem};

use app::server::import::ImportFile;

use super::file::line_at;

/// What a column of the file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    Email,
    FirstName,
    LastName,
    Password,
    PasswordHash,
    Groups,
    Tag(String),
    /// The export's record of the user (id, dates): ours to keep, not the file's to set.
    Ignored,
}

const IGNORED: [&str; 5] = ["id", "creationDate", "lastUpdated", "lastLogin", "passwordLastUpdated"];

impl Column {
    fn parse(name: &str, position: usize) -> Result<Self, String> {
        Ok(match name {
            "email" => Self::Email,
            "firstName" => Self::FirstName,
            "lastName" => Self::LastName,
            "password" => Self::Password,
            "passwordHash" => Self::PasswordHash,
            "groups" => Self::Groups,
            _ if IGNORED.contains(&name) => Self::Ignored,
            _ => match name.strip_prefix("tag:") {
                Some(key) => Self::Tag(
                    TagKey::parse(key)
                        .map_err(|e| format!("Column {position} ({name:?}) names a bad tag key: {e}"))?
                        .as_str()
                        .to_owned(),
                ),
                None => {
                    return Err(format!(
                        "Unknown column {name:?} (column {position}). Columns: email, firstName, lastName, \
                         password, passwordHash, groups, tag:<key>, and the export's {}",
                        IGNORED.join(", ")
                    ))
                }
            },
        })
    }
}

/// The header's columns, each named once, `email` among them.
fn columns(header: &csv::StringRecord) -> Result<Vec<Column>, String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut columns = Vec::with_capacity(header.len());
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        if let Some(first) = seen.insert(name, i + 1) {
            return Err(format!("Column {name:?} appears twice (columns {first} and {})", i + 1));
        }
        columns.push(Column::parse(name, i + 1)?);
    }
    if !columns.contains(&Column::Email) {
        return Err("The file has no email column (its first line must name the columns)".into());
    }
    Ok(columns)
}

pub fn read(text: &str) -> Result<ImportFile, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| format!("The header line cannot be read: {e}"))?.clone();
    let columns = columns(&header)?;
    let mut file = ImportFile::default();
    let mut record = csv::StringRecord::new();
    let mut at = (0, 1);
    loop {
        // Where the next record starts (blank lines before it aside): its line is counted
        // from there, as the reader's own count is where it stopped reading.
        let mut offset = reader.position().byte() as usize;
        // After a CRLF record the reader stops between the two.
        while text.as_bytes().get(offset).is_some_and(|b| *b == b'\n' || *b == b'\r') {
            offset += 1;
        }
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = line_at(text, at, offset);
                at = (offset, line);
                let raw = &text.as_bytes()[offset..(reader.position().byte() as usize).max(offset)];
                file.push(quotes_paired(raw, line).and_then(|()| row(&columns, &record, line)));
            }
            // Only an I/O or UTF-8 error reaches here, and the text is in memory and UTF-8.
            Err(e) => return Err(format!("The file cannot be read as CSV: {e}")),
        }
    }
    Ok(file)
}

/// A record as written holds its quotes in pairs (a quoted cell opens and closes, a quote
/// inside one is doubled). An odd count is a quote left open, which the CSV reader would let
/// swallow every line after it into one cell, or a stray quote in an unquoted cell.
fn quotes_paired(raw: &[u8], line: u64) -> Result<(), Vec<RowProblem>> {
    if raw.iter().filter(|b| **b == b'"').count() % 2 == 0 {
        return Ok(());
    }
    Err(vec![RowProblem {
        line,
        column: String::new(),
        message: "A quote is left open on this row (quotes around a cell come in pairs; a quote inside a quoted \
                  cell is written twice): the lines after it were read as part of it"
            .into(),
    }])
}

fn row(columns: &[Column], record: &csv::StringRecord, line: u64) -> Result<RawRow, Vec<RowProblem>> {
    if record.len() != columns.len() {
        let spans_lines = record.iter().any(|cell| cell.contains('\n'));
        let hint = if spans_lines { " (a quote left open joins lines into one cell)" } else { "" };
        return Err(vec![RowProblem {
            line,
            column: String::new(),
            message: format!("The row has {} cells, the header {}{hint}", record.len(), columns.len()),
        }]);
    }
    let mut raw = RawRow { line, ..RawRow::default() };
    for (column, cell) in columns.iter().zip(record.iter()) {
        let non_empty = || Some(cell.to_owned()).filter(|c| !c.is_empty());
        match column {
            Column::Email => raw.email = unescape(cell).trim().to_owned(),
            Column::FirstName => raw.first_name = Some(unescape(cell)),
            Column::LastName => raw.last_name = Some(unescape(cell)),
            Column::Password => raw.password = non_empty(),
            Column::PasswordHash => raw.password_hash = non_empty(),
            Column::Groups => {
                let paths = unescape(cell);
                raw.groups =
                    Some(paths.split(';').map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect());
            }
            Column::Tag(key) => raw.tags.push((key.clone(), non_empty().map(|v| unescape(&v)))),
            Column::Ignored => {}
        }
    }
    Ok(raw)
}

/// The cell as it was before the export's escape: `'` before a character a spreadsheet would
/// start a formula with (or before another `'`) is dropped.
fn unescape(cell: &str) -> String {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::export::FORMULA_STARTS) => rest.to_owned(),
        _ => cell.to_owned(),
    }
}
