# golayout — GDB shim.  Load with:  source /path/to/golayout-gdb.py
#
# This file knows nothing about Go and parses no options: it registers the
# commands listed by the core (libgolayout.so), implements the core's
# struct gl_backend on top of gdb's Python API, hands the raw argument
# string to gl_session_run() and prints what comes back.

import ctypes
import os
import re
import sys

import gdb

# The library sits next to this script (build/ or the install dir); resolve
# symlinks so that a linked script still finds it.  GOLAYOUT_LIB overrides.
_gl_path = os.environ.get("GOLAYOUT_LIB") or os.path.join(
    os.path.dirname(os.path.realpath(__file__)), "libgolayout.so")
try:
    # RTLD_DEEPBIND: gdb itself links elfutils' libdw, whose dwarf_* symbols
    # share names with libdwarf's. Without it, the core's libdwarf calls would
    # bind to libdw's functions of the same name.
    _gl = ctypes.CDLL(_gl_path, mode=os.RTLD_LOCAL | getattr(os, "RTLD_DEEPBIND", 0))
except OSError as e:
    raise gdb.GdbError("golayout: cannot load %s: %s" % (_gl_path, e)) from None

_u64 = ctypes.c_uint64
_p_u64 = ctypes.POINTER(_u64)
_ctx = ctypes.c_void_p
_MEM = ctypes.CFUNCTYPE(ctypes.c_int, _ctx, _u64, ctypes.c_void_p, _u64, _p_u64)
_REG = ctypes.CFUNCTYPE(ctypes.c_int, _ctx, ctypes.c_char_p, _p_u64)
_U64OUT = ctypes.CFUNCTYPE(ctypes.c_int, _ctx, _p_u64)
_PATH = ctypes.CFUNCTYPE(ctypes.c_int, _ctx, ctypes.c_void_p, ctypes.c_size_t)
_WIDTH = ctypes.CFUNCTYPE(ctypes.c_int, _ctx, ctypes.POINTER(ctypes.c_uint32))
_STOPID = ctypes.CFUNCTYPE(_u64, _ctx)
_HASPROC = ctypes.CFUNCTYPE(ctypes.c_int, _ctx)
_LEVEL = ctypes.CFUNCTYPE(ctypes.c_int, _ctx, ctypes.POINTER(ctypes.c_uint32))
_INTR = ctypes.CFUNCTYPE(ctypes.c_int, _ctx)
_TREG = ctypes.CFUNCTYPE(ctypes.c_int, _ctx, _u64, ctypes.c_char_p, _p_u64)
_WRITE = ctypes.CFUNCTYPE(ctypes.c_int, _ctx, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
_SETBP = ctypes.CFUNCTYPE(ctypes.c_int, _ctx, _u64, _p_u64)
_DELBP = ctypes.CFUNCTYPE(ctypes.c_int, _ctx, _u64)


class _Backend(ctypes.Structure):
    # Mirrors struct gl_backend in include/golayout/golayout.h, field for
    # field: the core reads every member the header declares.
    _fields_ = [("version", ctypes.c_uint32), ("ctx", ctypes.c_void_p),
                ("read_memory", _MEM), ("read_register", _REG),
                ("frame_cfa", _U64OUT), ("unused_v1", ctypes.c_void_p),
                ("executable_path", _PATH), ("stop_id", _STOPID),
                ("has_process", _HASPROC), ("frame_level", _LEVEL),
                ("innermost_register", _REG), ("text_width", _WIDTH),
                ("interrupted", _INTR), ("load_bias", _U64OUT),
                ("thread_register", _TREG), ("write_output", _WRITE),
                ("set_breakpoint", _SETBP), ("delete_breakpoint", _DELBP)]


_GL_BACKEND_VERSION = 5  # GL_BACKEND_VERSION this file was written against
_GL_RUN_TTY, _GL_RUN_PROGRESS = 1, 2
_GL_OUT_PROGRESS = 1
_OK, _FAIL = 0, -1

_gl.gl_session_create.restype = ctypes.c_void_p
_gl.gl_session_run.restype = ctypes.c_int
_gl.gl_session_run.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Backend),
                               ctypes.c_char_p, ctypes.c_uint,
                               ctypes.POINTER(ctypes.c_void_p),
                               ctypes.POINTER(ctypes.c_void_p)]
_libc_strlen = ctypes.CDLL(None).strlen
_libc_strlen.argtypes = [ctypes.c_void_p]
_libc_strlen.restype = ctypes.c_size_t
# A core older than this file lacks what version 5 added: refuse in one
# line rather than half work.
if not hasattr(_gl, "gl_session_breakpoint_hit"):
    raise gdb.GdbError("golayout: %s is older than this script (backend version %d):"
                       " load the golayout-gdb.py built with it" % (_gl_path, _GL_BACKEND_VERSION))
_gl.gl_session_breakpoint_hit.restype = ctypes.c_int
_gl.gl_session_breakpoint_hit.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Backend), _u64,
                                          ctypes.POINTER(ctypes.c_void_p),
                                          ctypes.POINTER(ctypes.c_void_p)]
_gl.gl_free.argtypes = [ctypes.c_void_p]
_gl.gl_free.restype = None
_gl.gl_command_count.restype = ctypes.c_size_t
for _f in ("gl_command_name", "gl_command_summary", "gl_command_help"):
    getattr(_gl, _f).argtypes = [ctypes.c_size_t]
    getattr(_gl, _f).restype = ctypes.c_char_p
_gl.gl_overview_help.restype = ctypes.c_char_p


# Every callback body is wrapped so that no Python exception (not even
# KeyboardInterrupt from a Ctrl-C during a slow read) unwinds into C:
# ctypes would print it and hand the core an undefined return value.
# A Ctrl-C that a callback swallows is remembered: the core asks
# `interrupted` after every read and while it works, and stops the command.
# gdb turns Ctrl-C into a pending KeyboardInterrupt, which Python may raise
# on entry to a callback, before its `try`: ctypes then reports it through
# sys.unraisablehook (and returns an undefined value, which the core
# discards when `interrupted` says yes). The hook below notes it instead of
# printing a traceback.
_gl_interrupt = [False]


def _note_interrupt(e):
    if isinstance(e, KeyboardInterrupt):
        _gl_interrupt[0] = True


def _interrupted(_):
    try:
        ctypes.pythonapi.PyErr_CheckSignals()  # raise a pending Ctrl-C here
    except BaseException as e:
        _note_interrupt(e)
    return 1 if _gl_interrupt[0] else 0


def _unraisable(u, _prev=getattr(sys.unraisablehook, "golayout_prev", sys.unraisablehook)):
    if isinstance(u.exc_value, KeyboardInterrupt):
        _gl_interrupt[0] = True
    else:
        _prev(u)


_unraisable.golayout_prev = _unraisable.__defaults__[0]  # sourced twice: no chain
sys.unraisablehook = _unraisable


# gdb stops a read at the first byte it cannot transfer and names it:
# "Cannot access memory at address 0x7ffff7ff0000".
_FAULT_AT = re.compile(r"address (0x[0-9a-fA-F]+)")


def _copy_out(buf, data, length):
    # gdb's buffer is writable, so ctypes can see it in place: one copy
    # of what gdb read instead of two (tobytes() makes the second); a
    # gdb whose buffer is not takes the copy.
    try:
        src = (ctypes.c_char * length).from_buffer(data)
    except (TypeError, ValueError):
        src = data.tobytes()
    ctypes.memmove(buf, src, length)


def _read_memory(_, addr, buf, length, nread):
    try:
        if not length:
            nread[0] = 0
            return _OK
        inf = gdb.selected_inferior()
        try:
            data = inf.read_memory(addr, length)
        except gdb.MemoryError as e:
            # Hand over what precedes the fault; when gdb does not say
            # where, leave *nread alone (GL_NREAD_UNKNOWN): the core
            # finds the page itself.
            m = _FAULT_AT.search(str(e))
            bad = int(m.group(1), 16) if m else None
            if bad is not None and addr <= bad < addr + length:
                got = bad - addr
                if got:
                    ctypes.memmove(buf, inf.read_memory(addr, got).tobytes(), got)
                nread[0] = got
            return _FAIL
        _copy_out(buf, data, length)
        nread[0] = length
        return _OK
    except BaseException as e:
        _note_interrupt(e)
        return _FAIL  # *nread untouched: "cannot tell"


def _frame_register(frame, name, value):
    try:
        v = frame().read_register(name.decode())
        if v.is_optimized_out:  # "<not saved>" in an outer frame
            return _FAIL
        if v.type.strip_typedefs().code == gdb.TYPE_CODE_UNION:
            v = v["v2_int64"][0]  # vector registers (xmm*): their low 64 bits
        value[0] = int(v) & 0xFFFFFFFFFFFFFFFF  # raises if <unavailable>
        return _OK
    except BaseException as e:
        _note_interrupt(e)
        return _FAIL


def _read_register(_, name, value):
    return _frame_register(gdb.selected_frame, name, value)


def _innermost_register(_, name, value):
    return _frame_register(gdb.newest_frame, name, value)


def _thread_register(_, tid, name, value):
    """A register of frame 0 of the thread whose LWP is tid.  gdb reads
    registers of the selected thread only: switch to it, read, and put the
    selected thread and frame back."""
    try:
        inf = gdb.selected_inferior()
        th = next((t for t in inf.threads() if t.ptid[1] == tid), None)
        if th is None or not th.is_valid():
            return _FAIL
        cur = gdb.selected_thread()
        if th == cur:
            return _frame_register(gdb.newest_frame, name, value)
        frame = gdb.selected_frame() if cur is not None else None
        try:
            th.switch()
            return _frame_register(gdb.newest_frame, name, value)
        finally:
            if cur is not None and cur.is_valid():
                cur.switch()
                if frame is not None and frame.is_valid():
                    frame.select()
    except BaseException as e:
        _note_interrupt(e)
        return _FAIL


def _main_executable():
    """The path of the program being debugged, or None."""
    name = gdb.current_progspace().filename
    if not name and gdb.objfiles():
        name = gdb.objfiles()[0].filename
    return name or None


def _executable_path(_, buf, size):
    try:
        name = _main_executable()
        if not name:
            return _FAIL
        raw = os.fsencode(name) + b"\0"
        if len(raw) > size:
            return _FAIL
        ctypes.memmove(buf, raw, len(raw))
        return _OK
    except BaseException as e:
        _note_interrupt(e)
        return _FAIL


def _text_width(_, columns):
    # Only a terminal has a width: in batch runs, pipes and scripts fd 1
    # is not one, and the core cuts nothing.
    try:
        if not os.isatty(1):
            return _FAIL
        w = gdb.parameter("width")  # None or 0: "unlimited"
        columns[0] = int(w or 0)
        return _OK
    except BaseException as e:
        _note_interrupt(e)
        return _FAIL


def _frame_level(_, level):
    try:
        level[0] = gdb.selected_frame().level()
        return _OK
    except BaseException as e:
        _note_interrupt(e)
        return _FAIL


# gdb's Python API has no stop counter: count the events after which
# memory may differ, so the core knows when to drop its page cache.
_gl_stops = [1]


def _bump(*_):
    _gl_stops[0] += 1


for _ev in ("stop", "cont", "exited", "new_objfile", "clear_objfiles",
            "memory_changed", "register_changed", "inferior_call",
            "new_inferior", "inferior_deleted"):
    if hasattr(gdb.events, _ev):
        getattr(gdb.events, _ev).connect(_bump)


def _stop_id(_):
    try:
        # Switching inferiors fires no event: mix the inferior number in.
        return (_gl_stops[0] << 16) | (gdb.selected_inferior().num & 0xFFFF)
    except BaseException as e:
        _note_interrupt(e)
        return 0  # "cannot tell": the core reads afresh


def _has_process(_):
    try:
        inf = gdb.selected_inferior()
        return 1 if inf.pid != 0 or inf.threads() else 0  # core files count
    except BaseException as e:
        _note_interrupt(e)
        return 0


# The entry point the kernel handed the program (the auxiliary vector,
# which gdb reads from the live process and from a core file's NT_AUXV)
# minus the one in the executable's ELF header: how far the executable was
# moved from its link-time addresses. 0 for a fixed-address executable.
_AT_ENTRY = re.compile(r"^\s*\d+\s+AT_ENTRY\s.*?(0x[0-9a-fA-F]+)\s*$", re.M)


def _elf_entry(path):
    """e_entry of the ELF file at path (little-endian, ELF32 or ELF64)."""
    with open(path, "rb") as f:
        h = f.read(32)
    if len(h) < 32 or h[:4] != b"\x7fELF" or h[5] != 1:
        return None
    return int.from_bytes(h[24:32] if h[4] == 2 else h[24:28], "little")


def _load_bias(_, bias):
    try:
        m = _AT_ENTRY.search(gdb.execute("info auxv", to_string=True))
        name = _main_executable()
        entry = _elf_entry(name) if m and name else None
        if entry is None:
            return _FAIL
        bias[0] = (int(m.group(1), 16) - entry) & 0xFFFFFFFFFFFFFFFF
        return _OK
    except BaseException as e:
        _note_interrupt(e)
        return _FAIL


def _write_output(_, text, length, stream):
    # Part of the command's output, printed while the command runs (the
    # core cuts it between UTF-8 characters), or a progress line, written
    # straight to the terminal: it is no part of the output.
    try:
        data = (ctypes.c_char * length).from_address(text)  # no copy
        if stream == _GL_OUT_PROGRESS:
            os.write(2, data)
        else:
            gdb.write(str(data, "utf-8", "replace"))
        return _OK
    except BaseException as e:
        _note_interrupt(e)
        return _FAIL


# Breakpoints the core asks for (golayout watch): gdb calls stop() in the
# thread that reached one, with that thread selected; the core decides
# whether the program stays stopped (True) or resumes (False).  gdb's
# manual forbids deleting a breakpoint inside stop(): one the core deletes
# there is only forgotten (it never reaches the core again) and is removed
# from gdb at the next stop the user sees or the next golayout command.
_gl_bps = {}        # id the core knows -> _GlBreakpoint
_gl_bp_next = [1]
_gl_in_stop = [False]
_gl_doomed = []     # deleted by the core inside stop(): removed later
_GL_BP_STOP = 1


class _GlBreakpoint(gdb.Breakpoint):
    def __init__(self, addr, ident):
        super().__init__("*0x%x" % addr, gdb.BP_BREAKPOINT, internal=True)
        self.silent = True
        self.gl_id = ident

    def stop(self):
        if _gl_bps.get(self.gl_id) is not self:
            return False
        out, err = ctypes.c_void_p(), ctypes.c_void_p()
        _gl_in_stop[0] = True
        try:
            rc = _gl.gl_session_breakpoint_hit(_gl_session, ctypes.byref(_gl_backend), self.gl_id,
                                               ctypes.byref(out), ctypes.byref(err))
        except BaseException as e:
            _note_interrupt(e)
            return False
        finally:
            _gl_in_stop[0] = False
        out, err = _gl_take(out), _gl_take(err)
        if out:
            gdb.write(out)
        if err:
            gdb.write(err.rstrip("\n") + "\n", gdb.STDERR)
        return rc == _GL_BP_STOP


def _gl_reap(*_):
    try:
        while _gl_doomed:
            bp = _gl_doomed.pop()
            if bp.is_valid():
                bp.delete()
    except BaseException as e:
        _note_interrupt(e)


gdb.events.stop.connect(_gl_reap)


def _set_breakpoint(_, addr, ident):
    try:
        # These breakpoints resume at once, thousands of times.  gdb steps
        # the thread over one "displaced", running the instruction at a
        # copy elsewhere; a signal handled meanwhile sees that PC, and the
        # Go runtime's preemption signal (SIGURG) rewrites the PC it sees:
        # the program then misses breakpoints or crashes.  Stepping over
        # in place, with the breakpoint lifted for the step, is safe.
        gdb.execute("set displaced-stepping off", to_string=True)
        n = _gl_bp_next[0]
        _gl_bp_next[0] += 1
        _gl_bps[n] = _GlBreakpoint(addr, n)
        ident[0] = n
        return _OK
    except BaseException as e:
        _note_interrupt(e)
        return _FAIL


def _delete_breakpoint(_, ident):
    try:
        bp = _gl_bps.pop(ident, None)
        if bp is None:
            return _FAIL
        if _gl_in_stop[0]:
            _gl_doomed.append(bp)
        elif bp.is_valid():
            bp.delete()
        return _OK
    except BaseException as e:
        _note_interrupt(e)
        return _FAIL


# The backend and its callbacks must outlive every call into the core: a
# collected ctypes callback crashes gdb.  They live at module level, and are
# also appended to a list on the gdb module so that sourcing this file twice
# does not free the first set while gdb still holds commands using them.
_gl_backend = _Backend(version=_GL_BACKEND_VERSION, ctx=None,
                       read_memory=_MEM(_read_memory),
                       read_register=_REG(_read_register),
                       # frame_cfa stays NULL: gdb's Python API has no CFA,
                       # the core computes it from the pclntab.
                       executable_path=_PATH(_executable_path),
                       stop_id=_STOPID(_stop_id),
                       has_process=_HASPROC(_has_process),
                       frame_level=_LEVEL(_frame_level),
                       innermost_register=_REG(_innermost_register),
                       text_width=_WIDTH(_text_width),
                       interrupted=_INTR(_interrupted),
                       load_bias=_U64OUT(_load_bias),
                       thread_register=_TREG(_thread_register),
                       write_output=_WRITE(_write_output),
                       set_breakpoint=_SETBP(_set_breakpoint),
                       delete_breakpoint=_DELBP(_delete_breakpoint))
_gl_session = _gl.gl_session_create()
if not hasattr(gdb, "_golayout_keepalive"):
    gdb._golayout_keepalive = []
gdb._golayout_keepalive.append((_gl, _gl_backend, _gl_session))


def _gl_take(ptr):
    if not ptr.value:
        return None
    try:
        # decoded straight from the core's buffer: a 35 MB document is not
        # copied into a bytes object first
        n = _libc_strlen(ptr.value)
        return str((ctypes.c_char * n).from_address(ptr.value), "utf-8", "replace")
    finally:
        _gl.gl_free(ptr)


def _gl_run(args):
    if not _gl_session:
        raise gdb.GdbError("golayout: out of memory")
    # gdb's sys.stdout.isatty() is always False; fd 1 is what the user sees.
    # Colour only if gdb itself styles its output there.
    tty = os.isatty(1) and gdb.parameter("style enabled")
    flags = (_GL_RUN_TTY if tty else 0) | (_GL_RUN_PROGRESS if os.isatty(1) and os.isatty(2) else 0)
    out, err = ctypes.c_void_p(), ctypes.c_void_p()
    _gl_interrupt[0] = False
    _gl_reap()
    _gl.gl_session_run(_gl_session, ctypes.byref(_gl_backend),
                       args.encode("utf-8", "surrogateescape"),
                       flags,
                       ctypes.byref(out), ctypes.byref(err))
    out, err = _gl_take(out), _gl_take(err)
    if out:
        gdb.write(out if out.endswith("\n") else out + "\n")
    if err:
        raise gdb.GdbError(err.rstrip("\n"))  # printed as one line, no traceback


def _gl_str(p):
    return p.decode("utf-8", "replace") if p else ""


class _GolayoutPrefix(gdb.Command):
    # gdb reads the help from __doc__ when the command is created.
    __doc__ = _gl_str(_gl.gl_overview_help())

    def __init__(self):
        super().__init__("golayout", gdb.COMMAND_DATA, gdb.COMPLETE_COMMAND, True)

    def invoke(self, arg, from_tty):
        # Reached for `golayout`, `golayout --help` and unknown subcommands
        # (a Python prefix with invoke() accepts unknown words): the core
        # answers them all.
        self.dont_repeat()
        _gl_run(arg)


def _gl_subcommand(name, doc):
    class _Sub(gdb.Command):
        __doc__ = doc  # first line = summary, shown by `help golayout`

        def __init__(self):
            super().__init__("golayout " + name, gdb.COMMAND_DATA, gdb.COMPLETE_SYMBOL)

        def invoke(self, arg, from_tty):
            self.dont_repeat()  # Enter must not rerun a (possibly long) dump
            _gl_run(name + " " + arg if arg else name)
    return _Sub()


gdb._golayout_keepalive.append(_GolayoutPrefix())
for _i in range(_gl.gl_command_count()):
    _summary = _gl_str(_gl.gl_command_summary(_i))
    _help = _gl_str(_gl.gl_command_help(_i))
    if not _help.startswith(_summary):  # gdb takes the summary from line 1
        _help = _summary + "\n\n" + _help
    gdb._golayout_keepalive.append(_gl_subcommand(
        _gl_str(_gl.gl_command_name(_i)), _help))
