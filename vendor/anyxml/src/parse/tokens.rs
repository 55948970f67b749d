use crate::{
    error::XMLError,
    parse::ParseError,
    sax::{InputSource, ParserSpec, SAXHandler, XMLReader, error::fatal_error},
};

impl<'a, Spec: ParserSpec<Reader = InputSource<'a>>, H: SAXHandler + ?Sized> XMLReader<Spec, H> {
    pub(crate) fn is_char(&self, c: char) -> bool {
        self.version.is_char(c)
    }

    pub(crate) fn is_name_start_char(&self, c: char) -> bool {
        self.version.is_name_start_char(c)
    }

    pub(crate) fn is_name_char(&self, c: char) -> bool {
        self.version.is_name_char(c)
    }

    pub(crate) fn is_whitespace(&self, c: char) -> bool {
        self.version.is_whitespace(c)
    }

    pub(crate) fn skip_whitespaces(&mut self) -> Result<usize, XMLError> {
        let mut skipped = 0;
        loop {
            // Wharf patch: a run of spaces and tabs at once, the column moved once.
            let content = self.source.content_bytes();
            let run = content
                .iter()
                .position(|&b| !matches!(b, b'\x20' | b'\t'))
                .unwrap_or(content.len());
            if run > 0 {
                self.source.advance(run);
                self.locator.update_column(|c| c + run);
                skipped += run;
                continue;
            }
            let Some(w) = self.source.peek_char()? else {
                break;
            };
            if !self.is_whitespace(w) {
                break;
            }
            self.source.next_char()?;

            match w {
                '\x20' | '\t' => self.locator.update_column(|c| c + 1),
                '\n' => {
                    self.locator.set_column(1);
                    self.locator.update_line(|l| l + 1);
                }
                '\r' => {
                    if self.source.peek_char()?.is_some_and(|c| c == '\n') {
                        self.source.next_char()?;
                    }
                    self.locator.set_column(1);
                    self.locator.update_line(|l| l + 1);
                }
                _ => unimplemented!(),
            }
            skipped += 1;
        }

        Ok(skipped)
    }

    pub(crate) fn parse_nmtoken(&mut self, buffer: &mut String) -> Result<(), XMLError> {
        let orig = buffer.len();
        while let Some(c) = self.source.next_char_if(|c| self.version.is_name_char(c))? {
            buffer.push(c);
            self.locator.update_column(|c| c + 1);
        }

        if buffer.len() == orig {
            fatal_error!(self, EmptyName, "Nmtoken is empty.");
            return Err(XMLError::XMLParseError(ParseError::EmptyName));
        }
        Ok(())
    }

    pub(crate) fn parse_name(&mut self, buffer: &mut String) -> Result<(), XMLError> {
        // Wharf patch: runs of ASCII name characters are taken from the decoded buffer at
        // once, and the column is moved once at the end (the locator is atomic, and
        // `next_char_if` decodes one char at a time); other characters go the per-char way.
        let mut taken = 0usize;
        loop {
            let content = self.source.content_bytes();
            let mut i = 0;
            if taken > 0 || content.first().is_some_and(|&b| ascii_name_start(b)) {
                i = usize::from(taken == 0);
                while i < content.len() && ascii_name_char(content[i]) {
                    i += 1;
                }
            }
            if i > 0 {
                let ascii_stop = content.get(i).is_some_and(|&b| b < 0x80);
                buffer.push_str(unsafe {
                    // # Safety
                    // `content[..i]` is ASCII only, so UTF-8 validation won't fail.
                    std::str::from_utf8_unchecked(&content[..i])
                });
                self.source.advance(i);
                taken += i;
                if ascii_stop {
                    break;
                }
            }
            let first = taken == 0;
            let version = self.version;
            let next = self.source.next_char_if(|c| {
                if first {
                    version.is_name_start_char(c)
                } else {
                    version.is_name_char(c)
                }
            });
            match next {
                Ok(Some(c)) => {
                    buffer.push(c);
                    taken += 1;
                }
                Ok(None) => break,
                Err(e) => {
                    self.locator.update_column(|c| c + taken);
                    return Err(e);
                }
            }
        }
        if taken == 0 {
            fatal_error!(self, EmptyName, "Name is empty.");
            return Err(XMLError::XMLParseError(ParseError::EmptyName));
        }
        self.locator.update_column(|c| c + taken);
        Ok(())
    }

    /// Even if NCName is empty, no error will be reported.
    fn parse_ncname_allow_empty(&mut self, buffer: &mut String) -> Result<(), XMLError> {
        if self.source.content_bytes().is_empty() {
            self.source.grow()?;
        }
        let mut col = self.locator.column();
        let content = self.source.content_bytes();
        let rem = content
            .iter()
            .position(|b| !b.is_ascii_alphabetic() && *b != b'_')
            .unwrap_or(content.len());
        if rem > 0 {
            buffer.push_str(unsafe {
                // # Safety
                // `content[..rem]` contains only ASCII alphabetic or '_',
                // so UTF-8 validation won't fail.
                std::str::from_utf8_unchecked(&content[..rem])
            });
            self.source.advance(rem);
            col += rem;
        } else {
            let Some(c) = self
                .source
                .next_char_if(|c| self.version.is_name_start_char(c) && c != ':')?
            else {
                return Ok(());
            };
            buffer.push(c);
            col += 1;
        }
        self.source.grow()?;

        while let content = self.source.content_bytes()
            && !content.is_empty()
        {
            match content
                .iter()
                .position(|b| !b.is_ascii_alphanumeric() && !matches!(b, b'-' | b'.' | b'_'))
            {
                Some(rem) if rem > 0 => {
                    buffer.push_str(unsafe {
                        // # Safety
                        // `content[..rem]` contains only ASCII alphanumeric , b'-', b'.' or '_',
                        // so UTF-8 validation won't fail.
                        std::str::from_utf8_unchecked(&content[..rem])
                    });
                    let end = content[rem] < 0x80;
                    self.source.advance(rem);
                    col += rem;
                    if end {
                        break;
                    }
                }
                None => {
                    buffer.push_str(unsafe {
                        // # Safety
                        // `content` contains only ASCII alphanumeric , b'-', b'.' or '_',
                        // so UTF-8 validation won't fail.
                        std::str::from_utf8_unchecked(content)
                    });
                    let len = content.len();
                    self.source.advance(len);
                    col += len;
                }
                _ => {}
            }

            if let Some(c) = self.source.peek_char()?
                && self.version.is_name_char(c)
                && c != ':'
            {
                buffer.push(c);
                col += 1;
                self.source.advance(c.len_utf8());
            } else {
                break;
            }
            self.source.grow()?;
        }

        self.locator.set_column(col);
        Ok(())
    }

    pub(crate) fn parse_ncname(&mut self, buffer: &mut String) -> Result<(), XMLError> {
        let orig = buffer.len();
        self.parse_ncname_allow_empty(buffer)?;
        if buffer.len() == orig {
            fatal_error!(self, EmptyName, "Name is empty.");
            return Err(XMLError::XMLParseError(ParseError::EmptyName));
        }
        Ok(())
    }

    /// Return the length of prefix if some errors occurred.
    pub(crate) fn parse_qname(&mut self, buffer: &mut String) -> Result<usize, XMLError> {
        let orig = buffer.len();
        self.parse_ncname_allow_empty(buffer)?;

        if self.source.next_char_if(|c| c == ':')?.is_none() {
            return if buffer.len() == orig {
                fatal_error!(self, EmptyQName, "QName is empty.");
                Err(XMLError::XMLParseError(ParseError::EmptyQName))
            } else {
                Ok(0)
            };
        };
        if buffer.len() == orig {
            fatal_error!(
                self,
                EmptyQNamePrefix,
                "':' is found in QName, but its prefix is empty."
            );
        }
        let prefix = buffer.len() - orig;
        buffer.push(':');
        self.locator.update_column(|c| c + 1);
        self.parse_ncname_allow_empty(buffer)?;

        if buffer.len() == orig + prefix + 1 {
            fatal_error!(
                self,
                EmptyQNameLocalPart,
                "':' is found in QName, but its local part is empty."
            );
            Err(XMLError::XMLParseError(ParseError::EmptyQNameLocalPart))
        } else if prefix == 0 {
            Err(XMLError::XMLParseError(ParseError::EmptyQNamePrefix))
        } else {
            Ok(prefix)
        }
    }

    pub(crate) fn validate_nmtoken(&self, nmtoken: &str) -> Result<(), XMLError> {
        if nmtoken.is_empty() {
            return Err(XMLError::XMLParseError(ParseError::EmptyNmtoken));
        }
        nmtoken
            .chars()
            .all(|c| self.is_name_char(c))
            .then_some(())
            .ok_or(XMLError::XMLParseError(ParseError::InvalidNameChar))
    }

    pub(crate) fn validate_name(&self, name: &str) -> Result<(), XMLError> {
        if name.is_empty() {
            return Err(XMLError::XMLParseError(ParseError::EmptyName));
        }

        name.strip_prefix(|c| self.is_name_start_char(c))
            .ok_or(XMLError::XMLParseError(ParseError::InvalidNameStartChar))?
            .chars()
            .all(|c| self.is_name_char(c))
            .then_some(())
            .ok_or(XMLError::XMLParseError(ParseError::InvalidNameChar))
    }

    pub(crate) fn validate_ncname(&self, name: &str) -> Result<(), XMLError> {
        if name.is_empty() {
            return Err(XMLError::XMLParseError(ParseError::EmptyNCName));
        }

        name.strip_prefix(|c| c != ':' && self.is_name_start_char(c))
            .ok_or(XMLError::XMLParseError(ParseError::InvalidNCNameStartChar))?
            .chars()
            .all(|c| c != ':' && self.is_name_char(c))
            .then_some(())
            .ok_or(XMLError::XMLParseError(ParseError::InvalidNCNameChar))
    }

    // pub(crate) fn validate_qname(&self, mut name: &str) -> Result<(), XMLError> {
    //     if name.is_empty() {
    //         return Err(XMLError::XMLParseError(ParseError::EmptyQName));
    //     }

    //     if name.starts_with(':') {
    //         return Err(XMLError::XMLParseError(ParseError::EmptyQNamePrefix));
    //     }

    //     name = name
    //         .strip_prefix(|c| self.is_name_start_char(c))
    //         .ok_or(XMLError::XMLParseError(ParseError::InvalidNCNameStartChar))?;
    //     name = name.trim_start_matches(|c| c != ':' && self.is_name_char(c));

    //     if name.is_empty() {
    //         // This is an UnprefixedName
    //         return Ok(());
    //     }
    //     name = name
    //         .strip_prefix(|c| c == ':')
    //         .ok_or(XMLError::ParserInvalidQNameSeparator)?;
    //     if name.is_empty() {
    //         return Err(XMLError::XMLParseError(ParseError::EmptyQNameLocalPart));
    //     }
    //     self.validate_ncname(name)
    // }

    pub(crate) fn validate_nmtokens(&self, nmtokens: &str) -> Result<(), XMLError> {
        if nmtokens.is_empty() {
            return Err(XMLError::XMLParseError(ParseError::EmptyNmtokens));
        }
        self.validate_names(nmtokens, |nmtoken| self.validate_nmtoken(nmtoken))
    }

    pub(crate) fn validate_names(
        &self,
        names: &str,
        name_validation: impl Fn(&str) -> Result<(), XMLError>,
    ) -> Result<(), XMLError> {
        if names.is_empty() {
            return Err(XMLError::XMLParseError(ParseError::EmptyNames));
        }
        for name in names.split('\x20') {
            name_validation(name)?;
        }
        Ok(())
    }
}

/// ASCII name characters (the same in XML 1.0 and 1.1): bit 1 `NameStartChar`, bit 2
/// `NameChar`; a table, as the names of a large document are most of its markup.
static ASCII_NAME: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let start = c.is_ascii_alphabetic() || c == b':' || c == b'_';
        let name = start || c.is_ascii_digit() || c == b'-' || c == b'.';
        t[b] = (start as u8) | ((name as u8) << 1);
        b += 1;
    }
    t
};

/// An ASCII `NameStartChar`.
#[inline(always)]
fn ascii_name_start(b: u8) -> bool {
    ASCII_NAME[b as usize] & 1 != 0
}

/// An ASCII `NameChar`.
#[inline(always)]
fn ascii_name_char(b: u8) -> bool {
    ASCII_NAME[b as usize] & 2 != 0
}
