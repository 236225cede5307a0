//! Where a value sits in a JSON object: the 1-based line of a key path such as
//! `price_info.price`, to locate errors after `serde_json` has parsed the object (a
//! spot trace's `metadata`, cut out of the file by the streamed reader).

/// The 1-based line on which the value at `path` starts (only used to locate errors;
/// the document has already been parsed, so malformed input just gives `None`).
pub(crate) fn json_line(b: &[u8], path: &[&str]) -> Option<u64> {
    let mut s = Scan { b, i: 0 };
    s.ws();
    for k in path {
        s.eat(b'{')?;
        loop {
            s.ws();
            let key = s.string()?;
            s.ws();
            s.eat(b':')?;
            s.ws();
            if key == k.as_bytes() {
                break;
            }
            s.skip_value()?;
            s.ws();
            s.eat(b',')?;
        }
    }
    let upto = b.get(..s.i)?;
    Some(1 + upto.iter().filter(|&&c| c == b'\n').count() as u64)
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }
    /// The raw bytes of a string (escapes left as they are).
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match *self.b.get(self.i)? {
                b'"' => break,
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
        let s = self.b.get(start..self.i)?;
        self.i += 1;
        Some(s)
    }
    fn skip_value(&mut self) -> Option<()> {
        match *self.b.get(self.i)? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                let mut depth = 0usize;
                loop {
                    match *self.b.get(self.i)? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                let c = self.b[self.i];
                                self.i += 1;
                                return (c == close).then_some(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                while !matches!(
                    self.b.get(self.i),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.i += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_line_finds_nested_values() {
        let b = br#"{"metadata": {"gap_seconds": 600,
 "zone": "a"},
 "data": [1,
  2, {"x": "]"},
  3]}"#;
        assert_eq!(json_line(b, &["data"]), Some(3));
        assert_eq!(json_line(b, &["metadata", "zone"]), Some(2));
        assert_eq!(json_line(b, &["nope"]), None);
    }
}
