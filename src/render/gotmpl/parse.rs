//! Parser for Go's `text/template`: tokens into a tree of nodes, each with its byte position.
//! Checks what Go checks at parse time: unknown functions, undefined variables, misplaced keywords.
//! Nesting of control structures and parentheses is bounded ([`MAX_NESTING`]); pipelines and
//! argument lists are parsed iteratively, so long flat expressions cannot overflow the stack.

use std::rc::Rc;

use super::lexer::{lex_into, Kw, Names, Tok, Token};

/// How deep `if`/`range`/`with`/parentheses may nest inside one template.
pub const MAX_NESTING: usize = 200;

/// A parse error: message and byte offset/length.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub pos: usize,
    pub len: usize,
}

/// A parsed template: its own body and the `define`s it contains.
#[derive(Debug)]
pub struct Parsed {
    pub body: Vec<Node>,
    pub defines: Vec<(Rc<str>, Vec<Node>, usize)>,
    /// Constant patterns given to the `regex*` functions (compiled ahead by a thread that has
    /// time, see [`crate::functions::regex::warm`]).
    pub patterns: Vec<Rc<str>>,
}

#[derive(Debug, Clone)]
pub enum Node {
    /// Text between actions: its span in the template's source.
    Text {
        start: usize,
        end: usize,
    },
    /// An action's pipeline (boxed: a node is moved several times while its list is built, and
    /// most nodes are text).
    Action(Box<Pipe>),
    If(Box<Branch>),
    With(Box<Branch>),
    Range(Box<Branch>),
    /// `{{template "name" pipeline}}` (boxed: the largest node, and a rare one).
    Template(Box<TemplateCall>),
    Break(usize),
    Continue(usize),
}

// Lists of nodes are built by moving nodes: they stay small (a text span, or one box).
const _: () = assert!(std::mem::size_of::<Node>() <= 24);

#[derive(Debug, Clone)]
pub struct TemplateCall {
    pub pos: usize,
    pub end: usize,
    pub name: Rc<str>,
    pub pipe: Option<Pipe>,
}

#[derive(Debug, Clone)]
pub struct Branch {
    pub pos: usize,
    pub pipe: Pipe,
    pub list: Vec<Node>,
    pub else_list: Option<Vec<Node>>,
}

#[derive(Debug, Clone)]
pub struct Pipe {
    pub pos: usize,
    pub end: usize,
    /// Declared or assigned variables (with `$`).
    pub decl: Vec<Rc<str>>,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    pub cmds: Vec<Cmd>,
}

#[derive(Debug, Clone)]
pub struct Cmd {
    pub pos: usize,
    pub end: usize,
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone)]
pub struct Arg {
    pub pos: usize,
    pub end: usize,
    pub kind: ArgKind,
}

#[derive(Debug, Clone)]
pub enum ArgKind {
    Dot,
    Nil,
    Bool(bool),
    /// A number constant: Go's ideal constant as `int`, or `float64` when written with `.`/exponent.
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    /// `.a.b`
    Field(Vec<Rc<str>>),
    /// `$x.a.b`
    Var(Rc<str>, Vec<Rc<str>>),
    /// A function name.
    Func(Rc<str>),
    /// `( pipeline )`
    Pipe(Box<Pipe>),
    /// `( ... ).a.b`
    Chain(Box<Arg>, Vec<Rc<str>>),
}

/// Parses template text. `is_func` says whether a name is a known function.
pub fn parse(src: &str, is_func: &dyn Fn(&str) -> bool) -> Result<Parsed, ParseError> {
    parse_reusing(src, is_func, &mut Scratch::default())
}

/// What parsing keeps from file to file: the token buffer and the node stack (their capacity),
/// and the names seen so far (see [`Names`]).
#[derive(Default)]
pub struct Scratch {
    toks: Vec<Token>,
    nodes: Vec<Node>,
    names: Names,
}

impl Scratch {
    /// Forgets the names seen so far: the next parse shares none with the earlier ones (whose
    /// trees then hold every clone of their names).
    pub fn forget_names(&mut self) {
        self.names.clear();
    }
}

/// [`parse`], with buffers and names kept in `scratch` from file to file.
pub fn parse_reusing(
    src: &str,
    is_func: &dyn Fn(&str) -> bool,
    scratch: &mut Scratch,
) -> Result<Parsed, ParseError> {
    let mut toks = std::mem::take(&mut scratch.toks);
    toks.clear();
    let toks = lex_into(src, toks).map_err(|e| ParseError {
        message: e.message,
        pos: e.pos,
        len: e.len,
    })?;
    let mut nodes = std::mem::take(&mut scratch.nodes);
    nodes.clear();
    let dollar = scratch.names.get("$");
    let mut p = Parser {
        src,
        names: &mut scratch.names,
        toks,
        i: 0,
        vars: vec![dollar.clone()],
        dollar,
        is_func,
        defines: Vec::new(),
        patterns: Vec::new(),
        depth: 0,
        range_depth: 0,
        nodes,
    };
    let body = p.top();
    let (mut toks, mut nodes) = (std::mem::take(&mut p.toks), std::mem::take(&mut p.nodes));
    let (defines, patterns) = (p.defines, p.patterns);
    toks.clear();
    nodes.clear();
    scratch.toks = toks;
    scratch.nodes = nodes;
    Ok(Parsed {
        body: body?,
        defines,
        patterns,
    })
}

/// Stack of a thread that parses templates: nesting is bounded by
/// [`MAX_NESTING`], and pipelines and argument lists are parsed iteratively.
pub const PARSE_STACK_BYTES: usize = 16 << 20;

/// What ended a list.
enum End {
    Eof,
    Close,
    Else,
}

struct Parser<'f> {
    src: &'f str,
    /// Names and strings shared from file to file.
    names: &'f mut Names,
    toks: Vec<Token>,
    i: usize,
    vars: Vec<Rc<str>>,
    is_func: &'f dyn Fn(&str) -> bool,
    defines: Vec<(Rc<str>, Vec<Node>, usize)>,
    patterns: Vec<Rc<str>>,
    depth: usize,
    range_depth: usize,
    /// `$`, the variable every template and define starts with.
    dollar: Rc<str>,
    /// Nodes of the lists being parsed, innermost last: a list takes its own off the top, into
    /// a vector of exactly its size.
    nodes: Vec<Node>,
}

fn describe(src: &str, t: &Token) -> String {
    match t.tok {
        Tok::Text => "text".into(),
        Tok::LeftDelim => "<left delim>".into(),
        Tok::RightDelim => "<right delim>".into(),
        Tok::Ident | Tok::Variable | Tok::Number => format!("<{}>", t.name(src)),
        Tok::Field => format!("<.{}>", t.name(src)),
        Tok::Dot => "<.>".into(),
        Tok::Bool(b) => format!("<{b}>"),
        Tok::Nil => "<nil>".into(),
        Tok::Char => format!("<{}>", t.char_value(src)),
        Tok::Str => format!("{:?}", t.string(src).as_ref()),
        Tok::Pipe => "<|>".into(),
        Tok::LParen => "<(>".into(),
        Tok::RParen => "<)>".into(),
        Tok::Declare => "<:=>".into(),
        Tok::Assign => "<=>".into(),
        Tok::Comma => "<,>".into(),
        Tok::Keyword(k) => format!("<{}>", k.name()),
        Tok::Eof => "EOF".into(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn peek_at(&self, n: usize) -> &Token {
        &self.toks[(self.i + n).min(self.toks.len() - 1)]
    }

    /// The shared name of an identifier, field, variable or number token.
    fn name(&mut self, t: &Token) -> Rc<str> {
        self.names.get(t.name(self.src))
    }

    /// The shared value of a string token.
    fn string(&mut self, t: &Token) -> Rc<str> {
        self.names.get(&t.string(self.src))
    }

    fn next(&mut self) -> Token {
        let t = *self.peek();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    fn err<T>(&self, message: impl Into<String>, t: &Token) -> Result<T, ParseError> {
        Err(ParseError {
            message: message.into(),
            pos: t.pos,
            len: (t.end - t.pos).max(1),
        })
    }

    fn unexpected<T>(&self, t: &Token, context: &str) -> Result<T, ParseError> {
        self.err(
            format!("unexpected {} in {context}", describe(self.src, t)),
            t,
        )
    }

    fn expect_right(&mut self, context: &str) -> Result<Token, ParseError> {
        let t = self.next();
        if t.tok != Tok::RightDelim {
            return self.unexpected(&t, context);
        }
        Ok(t)
    }

    fn top(&mut self) -> Result<Vec<Node>, ParseError> {
        let mark = self.nodes.len();
        loop {
            let t = *self.peek();
            match t.tok {
                Tok::Eof => return Ok(self.nodes.drain(mark..).collect()),
                Tok::LeftDelim if matches!(self.peek_at(1).tok, Tok::Keyword(Kw::Define)) => {
                    self.i += 2;
                    self.define(&t)?;
                }
                _ => match self.item()? {
                    Ok(node) => self.nodes.push(node),
                    Err((end, tok)) => {
                        let what = match end {
                            End::Close => "{{end}}",
                            End::Else => "{{else}}",
                            End::Eof => "EOF",
                        };
                        return self.err(format!("unexpected {what}"), &tok);
                    }
                },
            }
        }
    }

    /// `{{define "name"}} ... {{end}}` (after `{{define`).
    fn define(&mut self, open: &Token) -> Result<(), ParseError> {
        let name_tok = self.next();
        if name_tok.tok != Tok::Str {
            return self.err(
                "unexpected name in define clause: expected string",
                &name_tok,
            );
        }
        let name = self.string(&name_tok);
        self.expect_right("define clause")?;
        let saved = std::mem::replace(&mut self.vars, vec![self.dollar.clone()]);
        let (list, end, tok) = self.list()?;
        self.vars = saved;
        match end {
            End::Close => {
                self.expect_right("end")?;
            }
            End::Else => return self.err("unexpected {{else}} in define", &tok),
            End::Eof => return self.err("unexpected EOF in define clause", open),
        }
        self.defines.push((name, list, open.pos));
        Ok(())
    }

    /// A list of nodes up to `{{end}}`, `{{else}}` or EOF; the terminator's tokens are consumed up to
    /// (not including) what follows the keyword.
    fn list(&mut self) -> Result<(Vec<Node>, End, Token), ParseError> {
        let mark = self.nodes.len();
        loop {
            match self.item()? {
                Ok(n) => self.nodes.push(n),
                Err((end, tok)) => return Ok((self.nodes.drain(mark..).collect(), end, tok)),
            }
        }
    }

    /// One node, or the terminator that ends the current list.
    fn item(&mut self) -> Result<Result<Node, (End, Token)>, ParseError> {
        let t = self.next();
        match t.tok {
            Tok::Eof => Ok(Err((End::Eof, t))),
            Tok::Text => Ok(Ok(Node::Text {
                start: t.pos,
                end: t.end,
            })),
            Tok::LeftDelim => {
                let k = *self.peek();
                match k.tok {
                    Tok::Keyword(Kw::End) => {
                        self.i += 1;
                        Ok(Err((End::Close, k)))
                    }
                    Tok::Keyword(Kw::Else) => {
                        self.i += 1;
                        Ok(Err((End::Else, k)))
                    }
                    Tok::Keyword(Kw::If) => {
                        self.i += 1;
                        Ok(Ok(Node::If(Box::new(self.control(Kw::If, &k)?))))
                    }
                    Tok::Keyword(Kw::With) => {
                        self.i += 1;
                        Ok(Ok(Node::With(Box::new(self.control(Kw::With, &k)?))))
                    }
                    Tok::Keyword(Kw::Range) => {
                        self.i += 1;
                        self.range_depth += 1;
                        let r = self.control(Kw::Range, &k);
                        self.range_depth -= 1;
                        Ok(Ok(Node::Range(Box::new(r?))))
                    }
                    Tok::Keyword(Kw::Template) => {
                        self.i += 1;
                        Ok(Ok(self.template(&k)?))
                    }
                    Tok::Keyword(Kw::Block) => {
                        self.i += 1;
                        Ok(Ok(self.block(&k)?))
                    }
                    Tok::Keyword(kw @ (Kw::Break | Kw::Continue)) => {
                        self.i += 1;
                        if self.range_depth == 0 {
                            return self
                                .err(format!("{{{{{}}}}} outside {{{{range}}}}", kw.name()), &k);
                        }
                        self.expect_right(kw.name())?;
                        Ok(Ok(if kw == Kw::Break {
                            Node::Break(k.pos)
                        } else {
                            Node::Continue(k.pos)
                        }))
                    }
                    Tok::Keyword(Kw::Define) => self.err("unexpected <define> in command", &k),
                    _ => {
                        let pipe = self.pipeline("command", true)?;
                        Ok(Ok(Node::Action(Box::new(pipe))))
                    }
                }
            }
            _ => self.unexpected(&t, "input"),
        }
    }

    /// `if`/`with`/`range` after the keyword.
    fn control(&mut self, kw: Kw, k: &Token) -> Result<Branch, ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.err(
                format!("control structures nest deeper than the limit of {MAX_NESTING}"),
                k,
            );
        }
        let mark = self.vars.len();
        let r = self.control_inner(kw, k);
        self.vars.truncate(mark);
        self.depth -= 1;
        r
    }

    fn control_inner(&mut self, kw: Kw, k: &Token) -> Result<Branch, ParseError> {
        let pipe = self.pipeline(kw.name(), kw == Kw::Range)?;
        let (list, end, tok) = self.list()?;
        let else_list = match end {
            End::Eof => return self.err(format!("unexpected EOF in {{{{{}}}}}", kw.name()), k),
            End::Close => {
                self.expect_right("end")?;
                None
            }
            End::Else => {
                // `{{else if ...}}` / `{{else with ...}}`: a nested control sharing our `{{end}}`.
                let nt = *self.peek();
                let chained = matches!(
                    (&nt.tok, kw),
                    (Tok::Keyword(Kw::If), Kw::If) | (Tok::Keyword(Kw::With), Kw::With)
                );
                if chained {
                    self.i += 1;
                    let inner = self.control(kw, &nt)?;
                    Some(vec![if kw == Kw::If {
                        Node::If(Box::new(inner))
                    } else {
                        Node::With(Box::new(inner))
                    }])
                } else {
                    self.expect_right("else")?;
                    let (else_list, end2, tok2) = self.list()?;
                    match end2 {
                        End::Close => {
                            self.expect_right("end")?;
                        }
                        End::Else => {
                            return self.err(
                                format!(
                                    "expected end; found {{{{else}}}} in {{{{{}}}}}",
                                    kw.name()
                                ),
                                &tok2,
                            )
                        }
                        End::Eof => {
                            return self.err(format!("unexpected EOF in {{{{{}}}}}", kw.name()), k)
                        }
                    }
                    Some(else_list)
                }
            }
        };
        let _ = tok;
        Ok(Branch {
            pos: k.pos,
            pipe,
            list,
            else_list,
        })
    }

    /// `{{template "name" pipeline}}` after the keyword.
    fn template(&mut self, k: &Token) -> Result<Node, ParseError> {
        let name_tok = self.next();
        if name_tok.tok != Tok::Str {
            return self.unexpected(&name_tok, "template clause");
        }
        let name = self.string(&name_tok);
        let pipe = if self.peek().tok == Tok::RightDelim {
            let t = self.next();
            let _ = t;
            None
        } else {
            Some(self.pipeline("template clause", false)?)
        };
        Ok(Node::Template(Box::new(TemplateCall {
            pos: k.pos,
            end: name_tok.end,
            name,
            pipe,
        })))
    }

    /// `{{block "name" pipeline}} default {{end}}`: defines the template and calls it.
    fn block(&mut self, k: &Token) -> Result<Node, ParseError> {
        let name_tok = self.next();
        if name_tok.tok != Tok::Str {
            return self.unexpected(&name_tok, "block clause");
        }
        let name = self.string(&name_tok);
        let pipe = self.pipeline("block clause", false)?;
        let saved = std::mem::replace(&mut self.vars, vec![self.dollar.clone()]);
        let (list, end, tok) = self.list()?;
        self.vars = saved;
        match end {
            End::Close => {
                self.expect_right("end")?;
            }
            _ => return self.err("unexpected end of block", &tok),
        }
        self.defines.push((name.clone(), list, k.pos));
        Ok(Node::Template(Box::new(TemplateCall {
            pos: k.pos,
            end: name_tok.end,
            name,
            pipe: Some(pipe),
        })))
    }

    /// A pipeline up to the closing delimiter (consumed). `decl_ok`: variables may be declared
    /// (`range` also allows two).
    fn pipeline(&mut self, context: &str, allow_two: bool) -> Result<Pipe, ParseError> {
        let start = self.peek().pos;
        let mut decl = Vec::new();
        let mut is_assign = false;
        // Declarations: `$x :=`, `$x =`, `$i, $v :=`.
        if self.peek().tok == Tok::Variable {
            let first = *self.peek();
            let v = self.name(&first);
            let after = self.peek_at(1).tok;
            match after {
                Tok::Declare | Tok::Assign => {
                    let vt = self.next();
                    self.i += 1;
                    is_assign = after == Tok::Assign;
                    if is_assign && !self.vars.contains(&v) {
                        return self.err(format!("undefined variable \"{v}\""), &vt);
                    }
                    decl.push(v);
                }
                Tok::Comma if allow_two => {
                    let vt = self.next();
                    self.i += 1;
                    let v2t = self.next();
                    if v2t.tok != Tok::Variable {
                        return self.err("range can only initialize variables", &v2t);
                    }
                    let v2 = self.name(&v2t);
                    let op = self.next();
                    match op.tok {
                        Tok::Declare => {}
                        Tok::Assign => is_assign = true,
                        _ => return self.unexpected(&op, context),
                    }
                    if is_assign {
                        for (name, t) in [(&v, &vt), (&v2, &v2t)] {
                            if !self.vars.contains(name) {
                                return self.err(format!("undefined variable \"{name}\""), t);
                            }
                        }
                    }
                    decl.push(v);
                    decl.push(v2);
                }
                _ => {}
            }
        }
        // Most pipelines have one command and most commands one argument: room for one to
        // start with (a default first push reserves four, a quarter of the parse tree's memory).
        let mut cmds = Vec::with_capacity(1);
        let end_tok;
        loop {
            match self.peek().tok {
                Tok::RightDelim | Tok::RParen => {
                    end_tok = self.next();
                    break;
                }
                Tok::Pipe if !cmds.is_empty() => {
                    self.i += 1;
                }
                _ => {}
            }
            let cmd = self.command(context)?;
            cmds.push(cmd);
        }
        if cmds.is_empty() {
            return self.err(format!("missing value for {context}"), &end_tok);
        }
        for (i, c) in cmds.iter().enumerate().skip(1) {
            if let Some(a) = c.args.first() {
                if matches!(
                    a.kind,
                    ArgKind::Bool(_)
                        | ArgKind::Dot
                        | ArgKind::Nil
                        | ArgKind::Int(_)
                        | ArgKind::Float(_)
                        | ArgKind::Str(_)
                ) {
                    return Err(ParseError {
                        message: format!("non executable command in pipeline stage {}", i + 1),
                        pos: a.pos,
                        len: a.end - a.pos,
                    });
                }
            }
        }
        if !is_assign {
            for d in &decl {
                self.vars.push(d.clone());
            }
        }
        Ok(Pipe {
            pos: start,
            end: end_tok.pos,
            decl,
            is_assign,
            cmds,
        })
    }

    fn command(&mut self, context: &str) -> Result<Cmd, ParseError> {
        let start = self.peek().pos;
        let mut args = Vec::with_capacity(1);
        loop {
            let t = self.peek();
            match t.tok {
                Tok::RightDelim | Tok::RParen | Tok::Pipe => {
                    if args.is_empty() {
                        return self.err(format!("missing value for {context}"), t);
                    }
                    break;
                }
                Tok::Eof => return self.err("unclosed action", t),
                _ => {}
            }
            if !args.is_empty() && !t.space_before && !matches!(t.tok, Tok::LParen) {
                // Go requires space between operands; `.a"b"` and the like.
                if t.tok != Tok::Field {
                    return self.err("missing space?", t);
                }
            }
            args.push(self.operand(context)?);
        }
        let end = args.last().map(|a| a.end).unwrap_or(start);
        if let [Arg {
            kind: ArgKind::Func(f),
            ..
        }, Arg {
            kind: ArgKind::Str(pattern),
            ..
        }, ..] = args.as_slice()
        {
            if crate::functions::regex::takes_pattern_first(f) {
                self.patterns.push(pattern.clone());
            }
        }
        Ok(Cmd {
            pos: start,
            end,
            args,
        })
    }

    fn operand(&mut self, context: &str) -> Result<Arg, ParseError> {
        let mut arg = self.term(context)?;
        // A field chain right after the term (no space).
        let (fields, end) = self.field_chain(Vec::new());
        if fields.is_empty() {
            return Ok(arg);
        }
        arg.kind = match arg.kind {
            ArgKind::Field(mut fs) => {
                fs.extend(fields);
                ArgKind::Field(fs)
            }
            ArgKind::Var(v, fs) if fs.is_empty() => ArgKind::Var(v, fields),
            ArgKind::Var(v, mut fs) => {
                fs.extend(fields);
                ArgKind::Var(v, fs)
            }
            ArgKind::Pipe(_) | ArgKind::Func(_) | ArgKind::Chain(..) | ArgKind::Dot => {
                ArgKind::Chain(Box::new(arg.clone()), fields)
            }
            ArgKind::Nil => {
                return Err(ParseError {
                    message: "nil is not a command".into(),
                    pos: arg.pos,
                    len: 3,
                })
            }
            _ => {
                return Err(ParseError {
                    message: "unexpected . after term".into(),
                    pos: arg.end,
                    len: 1,
                })
            }
        };
        arg.end = end;
        Ok(arg)
    }

    /// The fields written right after a term (no space between), appended to `first` in a
    /// vector of exactly their number, and where the last ends (0 when there is none).
    fn field_chain(&mut self, first: Vec<Rc<str>>) -> (Vec<Rc<str>>, usize) {
        let n = self.toks[self.i.min(self.toks.len())..]
            .iter()
            .take_while(|t| t.tok == Tok::Field && !t.space_before)
            .count();
        if n == 0 {
            return (first, 0);
        }
        let mut fields = Vec::with_capacity(first.len() + n);
        fields.extend(first);
        for k in self.i..self.i + n {
            let t = self.toks[k];
            fields.push(self.name(&t));
        }
        let end = self.toks[self.i + n - 1].end;
        self.i += n;
        (fields, end)
    }

    fn term(&mut self, context: &str) -> Result<Arg, ParseError> {
        let t = self.next();
        let kind = match t.tok {
            Tok::Ident => {
                let name = t.name(self.src);
                if !(self.is_func)(name) {
                    return self.err(format!("function \"{name}\" not defined"), &t);
                }
                ArgKind::Func(self.name(&t))
            }
            Tok::Dot => ArgKind::Dot,
            Tok::Nil => ArgKind::Nil,
            Tok::Bool(b) => ArgKind::Bool(b),
            Tok::Str => ArgKind::Str(self.string(&t)),
            Tok::Char => ArgKind::Int(t.char_value(self.src)),
            Tok::Number => number(t.name(self.src)).map_err(|m| ParseError {
                message: m,
                pos: t.pos,
                len: t.end - t.pos,
            })?,
            Tok::Field => {
                // `.a.b.c`: the whole chain, in one vector.
                let first = vec![self.name(&t)];
                let (fields, end) = self.field_chain(first);
                return Ok(Arg {
                    pos: t.pos,
                    end: end.max(t.end),
                    kind: ArgKind::Field(fields),
                });
            }
            Tok::Variable => {
                let v = t.name(self.src);
                if !self.vars.iter().any(|d| &**d == v) {
                    return self.err(format!("undefined variable \"{v}\""), &t);
                }
                ArgKind::Var(self.name(&t), Vec::new())
            }
            Tok::LParen => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return self.err(
                        format!("parentheses nest deeper than the limit of {MAX_NESTING}"),
                        &t,
                    );
                }
                let pipe = self.pipeline("parenthesized pipeline", false);
                self.depth -= 1;
                let pipe = pipe?;
                let close = self.toks[self.i - 1];
                if close.tok != Tok::RParen {
                    return self.err("unclosed left paren", &t);
                }
                return Ok(Arg {
                    pos: t.pos,
                    end: close.end,
                    kind: ArgKind::Pipe(Box::new(pipe)),
                });
            }
            _ => return self.unexpected(&t, context),
        };
        Ok(Arg {
            pos: t.pos,
            end: t.end,
            kind,
        })
    }
}

/// A number literal as Go's template engine types it: `int` unless written as a float (`.`, exponent)
/// and not a hex integer.
fn number(text: &str) -> Result<ArgKind, String> {
    let bad = || format!("illegal number syntax: {text:?}");
    if text.ends_with('i') {
        return Err(format!("complex constants are not supported: {text}"));
    }
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'-') => (true, &clean[1..]),
        Some(b'+') => (false, &clean[1..]),
        _ => (false, clean.as_str()),
    };
    let lower = body.to_ascii_lowercase();
    let int = if let Some(h) = lower.strip_prefix("0x") {
        if h.contains('.') || h.contains('p') {
            None
        } else {
            Some(u64::from_str_radix(h, 16).map_err(|_| bad())?)
        }
    } else if let Some(o) = lower.strip_prefix("0o") {
        Some(u64::from_str_radix(o, 8).map_err(|_| bad())?)
    } else if let Some(b) = lower.strip_prefix("0b") {
        Some(u64::from_str_radix(b, 2).map_err(|_| bad())?)
    } else if lower.contains(['.', 'e']) {
        None
    } else if lower.len() > 1 && lower.starts_with('0') {
        Some(u64::from_str_radix(&lower[1..], 8).map_err(|_| bad())?)
    } else {
        Some(lower.parse::<u64>().map_err(|_| {
            if lower.bytes().all(|c| c.is_ascii_digit()) {
                format!("{text} overflows int")
            } else {
                bad()
            }
        })?)
    };
    match int {
        Some(u) => {
            let v = if neg {
                if u > i64::MAX as u64 + 1 {
                    return Err(format!("{text} overflows int"));
                }
                (-(u as i128)) as i64
            } else {
                i64::try_from(u).map_err(|_| format!("{text} overflows int"))?
            };
            Ok(ArgKind::Int(v))
        }
        None => {
            let f = if let Some(h) = lower.strip_prefix("0x") {
                hex_float(h).ok_or_else(bad)?
            } else {
                lower.parse::<f64>().map_err(|_| bad())?
            };
            Ok(ArgKind::Float(if neg { -f } else { f }))
        }
    }
}

fn hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = h.split_once('p')?;
    let exp: i32 = exp.parse().ok()?;
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    let mut v = 0f64;
    for c in ip.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in fp.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(src: &str) -> Result<Parsed, ParseError> {
        parse(src, &|n| matches!(n, "f" | "printf" | "include"))
    }

    #[test]
    fn numbers_are_typed_like_go_constants() {
        assert!(matches!(number("1_000").unwrap(), ArgKind::Int(1000)));
        assert!(matches!(number("0x1F").unwrap(), ArgKind::Int(31)));
        assert!(matches!(number("0o17").unwrap(), ArgKind::Int(15)));
        assert!(matches!(number("017").unwrap(), ArgKind::Int(15)));
        assert!(matches!(number("-5").unwrap(), ArgKind::Int(-5)));
        assert!(matches!(number("1e6").unwrap(), ArgKind::Float(f) if f == 1e6));
        assert!(matches!(number("0x1p4").unwrap(), ArgKind::Float(f) if f == 16.0));
        assert!(matches!(number(".5").unwrap(), ArgKind::Float(f) if f == 0.5));
        assert_eq!(
            number("99999999999999999999").unwrap_err(),
            "99999999999999999999 overflows int"
        );
    }

    #[test]
    fn parses_control_structures_and_defines() {
        let t = p(
            "{{define \"x\"}}X{{end}}{{if .a}}1{{else if .b}}2{{else}}3{{end}}\
                   {{range $i, $v := .l}}{{$i}}{{break}}{{end}}{{with $x := .c}}{{$x}}{{end}}",
        )
        .unwrap();
        assert_eq!(t.defines.len(), 1);
        assert_eq!(t.body.len(), 3);
        let Node::If(b) = &t.body[0] else { panic!() };
        assert!(matches!(b.else_list.as_deref(), Some([Node::If(_)])));
    }

    #[test]
    fn parse_errors_match_go() {
        let e = |s: &str| p(s).unwrap_err().message;
        assert_eq!(e("{{ nope 1 }}"), "function \"nope\" not defined");
        assert_eq!(e("{{ $x }}"), "undefined variable \"$x\"");
        assert_eq!(e("{{ if .a }}"), "unexpected EOF in {{if}}");
        assert_eq!(e("{{ end }}"), "unexpected {{end}}");
        assert_eq!(e("{{ break }}"), "{{break}} outside {{range}}");
        assert_eq!(e("{{ }}"), "missing value for command");
        assert_eq!(
            e("{{ f | 3 }}"),
            "non executable command in pipeline stage 2"
        );
        assert_eq!(
            e("{{ if 1 }}{{ $y := 1 }}{{ end }}{{ $y }}"),
            "undefined variable \"$y\""
        );
        let deep = "{{(".to_string() + &"(".repeat(300) + "1" + &")".repeat(301) + "}}";
        assert!(e(&deep).contains("limit of 200"));
    }

    #[test]
    fn long_flat_pipelines_parse_without_recursion() {
        let src = format!("{{{{ 1 {} }}}}", "| f ".repeat(50_000));
        let t = p(&src).unwrap();
        let Node::Action(pipe) = &t.body[0] else {
            panic!()
        };
        assert_eq!(pipe.cmds.len(), 50_001);
    }

    /// The one argument of the one command of the action at `body[i]`.
    fn arg(t: &Parsed, i: usize) -> &Arg {
        let Node::Action(pipe) = &t.body[i] else {
            panic!("not an action: {:?}", t.body[i])
        };
        &pipe.cmds[0].args[0]
    }

    #[test]
    fn field_chains_are_one_argument_with_their_whole_span() {
        let src = "{{ .a.b.c }}{{ $.x.y }}{{ (f).p.q }}{{ .a .b }}";
        let t = p(src).unwrap();
        let a = arg(&t, 0);
        let ArgKind::Field(fs) = &a.kind else {
            panic!("{a:?}")
        };
        assert_eq!(fs.iter().map(|f| &**f).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(&src[a.pos..a.end], ".a.b.c");
        let v = arg(&t, 1);
        let ArgKind::Var(name, fs) = &v.kind else {
            panic!("{v:?}")
        };
        assert_eq!((&**name, fs.len()), ("$", 2));
        assert_eq!(&src[v.pos..v.end], "$.x.y");
        let c = arg(&t, 2);
        let ArgKind::Chain(_, fs) = &c.kind else {
            panic!("{c:?}")
        };
        assert_eq!(fs.len(), 2);
        assert_eq!(&src[c.pos..c.end], "(f).p.q");
        // With a space, `.a .b` is two arguments (Go: `.a` called with `.b`).
        let Node::Action(pipe) = &t.body[3] else {
            panic!()
        };
        assert_eq!(pipe.cmds[0].args.len(), 2);
    }

    #[test]
    fn names_are_shared_within_a_parse() {
        let t = p("{{ .Values.a }}{{ .Values.b }}").unwrap();
        let first = |i| match &arg(&t, i).kind {
            ArgKind::Field(fs) => fs[0].clone(),
            other => panic!("{other:?}"),
        };
        assert!(Rc::ptr_eq(&first(0), &first(1)));
    }

    #[test]
    fn forgotten_names_leave_each_tree_the_only_owner_of_its_names() {
        // What lets a helper hand each file's tree to another thread on its own.
        let is_func = |n: &str| n == "quote";
        let mut scratch = Scratch::default();
        let first = parse_reusing("{{ .Values.a | quote }}", &is_func, &mut scratch).unwrap();
        scratch.forget_names();
        let second = parse_reusing("{{ .Values.b | quote }}", &is_func, &mut scratch).unwrap();
        let values_of = |p: &Parsed| match &p.body[0] {
            Node::Action(pipe) => match &pipe.cmds[0].args[0].kind {
                ArgKind::Field(chain) => chain[0].clone(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        };
        let (a, b) = (values_of(&first), values_of(&second));
        // The first tree's name: its own use and the clone just taken; the second's is also
        // kept by the scratch's names (not forgotten since).
        assert_eq!((Rc::strong_count(&a), Rc::strong_count(&b)), (2, 3));
        assert!(!Rc::ptr_eq(&a, &b));
        // Without forgetting, the names are shared from file to file.
        let third = parse_reusing("{{ .Values.c }}", &is_func, &mut scratch).unwrap();
        assert!(Rc::ptr_eq(&b, &values_of(&third)));
    }
}
