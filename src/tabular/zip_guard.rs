//! The zip guard: an .xlsx is an archive, checked from its own declared sizes before anything
//! is decompressed, so that a small upload cannot expand into gigabytes.

use super::TabularError;
use std::io::{Read, Seek};

/// Refuses an archive that would expand to far more than any workbook of scores: over
/// `MAX_UNZIPPED` in all, or one member expanding more than `MAX_RATIO` times (a zip bomb).
/// The sizes are the archive's own declarations, read before anything is decompressed.
pub(super) fn check_zip(input: &mut (impl Read + Seek)) -> Result<(), TabularError> {
    let bomb = |detail: String| TabularError::NotATable { detail };
    let Ok(mut zip) = zip::ZipArchive::new(input) else {
        // Not a readable archive: calamine says why.
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else {
            continue;
        };
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        total = total.saturating_add(size);
        // The shared strings hold every text cell once (unit names, headers): a few KB in a
        // score table. Megabytes of them are one huge text, and parsing it costs minutes.
        if f.name()
            .is_ok_and(|n| n.eq_ignore_ascii_case("xl/sharedStrings.xml"))
            && size > MAX_SHARED_STRINGS
        {
            return Err(bomb(format!(
                "工作簿中的文字内容解压后有{}MB，超过{}MB的上限，不是得分表；请检查是否有单元格粘贴了大段文字，或另存为 CSV",
                size.div_ceil(1 << 20),
                MAX_SHARED_STRINGS >> 20
            )));
        }
        if size > MAX_RATIO_FLOOR && size / packed > MAX_RATIO {
            return Err(bomb(format!(
                "工作簿中的「{}」压缩比异常（{}倍），可能是压缩炸弹，未读取",
                f.name().unwrap_or_default(),
                size / packed
            )));
        }
    }
    if total > MAX_UNZIPPED {
        return Err(bomb(format!(
            "工作簿解压后有{}MB，超过{}MB的上限，未读取；请另存为 CSV",
            total / (1 << 20),
            MAX_UNZIPPED / (1 << 20)
        )));
    }
    Ok(())
}

/// An .xlsx may expand to at most this much in all…
const MAX_UNZIPPED: u64 = 512 << 20;
/// …and no member more than this many times its packed size, once it is larger than the floor
/// (XML compresses about 10–30 times; a bomb thousands of times).
const MAX_RATIO: u64 = 200;
const MAX_RATIO_FLOOR: u64 = 8 << 20;
/// The shared strings of a workbook may expand to at most this much.
const MAX_SHARED_STRINGS: u64 = 8 << 20;
