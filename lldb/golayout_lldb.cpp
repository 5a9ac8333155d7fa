// golayout — LLDB shim.  Load with:  plugin load /path/to/libgolayout-lldb.so
//
// This file knows nothing about Go and parses no options: it registers the
// commands listed by the core, implements the core's struct gl_backend on
// top of the SB API, hands the arguments to gl_session_run() and prints
// what comes back.

#include <lldb/API/LLDB.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#include "golayout/golayout.h"

// Built with hidden visibility: the entry point lldb looks up and the
// core's public API (GL_PUBLIC) are all the plugin exports.
namespace lldb {
__attribute__((visibility("default"))) bool PluginInitialize(lldb::SBDebugger debugger);
}

namespace {

// Go's runtime preempts goroutines with SIGURG; lldb stops on it by default,
// which makes a Go program stop every few milliseconds.
const char kSigurg[] = "process handle SIGURG --stop false --notify false --pass true";

// One session (parsed executable + page cache) per debugger instance.
std::map<lldb::user_id_t, gl_session *> g_sessions;

gl_session *SessionFor(lldb::SBDebugger &dbg) {
  gl_session *&s = g_sessions[dbg.GetID()];
  if (!s)
    s = gl_session_create();
  return s;
}

// What the backend callbacks look at, fixed when the command starts.
struct Ctx {
  lldb::SBDebugger debugger;
  lldb::SBTarget target;
  lldb::SBProcess process;
  lldb::SBThread thread;
  lldb::SBFrame frame;
  lldb::SBCommandReturnObject *result;
};

Ctx &C(void *ctx) { return *static_cast<Ctx *>(ctx); }

// lldb reads up to the first unreadable byte and says how many it read.
// When it read nothing it may have given up on a large read whose tail
// only is unmapped: then it cannot tell, and *nread stays
// GL_NREAD_UNKNOWN so the core finds the page itself.
int ReadMemory(void *ctx, uint64_t addr, void *buf, uint64_t len,
               uint64_t *nread) {
  lldb::SBError err;
  size_t got = len ? C(ctx).process.ReadMemory(addr, buf, len, err) : 0;
  if (got == len && (len == 0 || err.Success())) {
    *nread = len;
    return GL_BACKEND_OK;
  }
  if (got > 0 && got < len)
    *nread = got;
  else if (len <= 4096 - addr % 4096)
    *nread = 0; // within one page: that page is unreadable
  return GL_BACKEND_FAIL;
}

int FrameRegister(lldb::SBFrame frame, const char *name, uint64_t *value) {
  lldb::SBValue v = frame.FindRegister(name);
  if (!v.IsValid())
    return GL_BACKEND_FAIL;
  lldb::SBError err;
  uint64_t x = v.GetValueAsUnsigned(err, 0);
  if (err.Fail() && v.GetByteSize() > 8) {
    // vector registers (xmm*) have no scalar value: the low 64 bits
    err.Clear();
    x = v.GetData().GetUnsignedInt64(err, 0);
  }
  if (err.Fail()) // e.g. a volatile register in an outer frame
    return GL_BACKEND_FAIL;
  *value = x;
  return GL_BACKEND_OK;
}

int ReadRegister(void *ctx, const char *name, uint64_t *value) {
  return FrameRegister(C(ctx).frame, name, value);
}

int InnermostRegister(void *ctx, const char *name, uint64_t *value) {
  return FrameRegister(C(ctx).thread.GetFrameAtIndex(0), name, value);
}

// LLDB's thread ids on Linux are the kernel's TIDs, live and in cores;
// SBProcess finds another thread without selecting it.
int ThreadRegister(void *ctx, uint64_t tid, const char *name,
                   uint64_t *value) {
  lldb::SBThread t = C(ctx).process.GetThreadByID(tid);
  if (!t.IsValid())
    return GL_BACKEND_FAIL;
  return FrameRegister(t.GetFrameAtIndex(0), name, value);
}

int FrameCfa(void *ctx, uint64_t *cfa) {
  lldb::SBFrame &f = C(ctx).frame;
  if (!f.IsValid())
    return GL_BACKEND_FAIL;
  lldb::addr_t a = f.GetCFA();
  if (a == LLDB_INVALID_ADDRESS || a == 0)
    return GL_BACKEND_FAIL;
  *cfa = a;
  return GL_BACKEND_OK;
}

int FrameLevel(void *ctx, uint32_t *level) {
  lldb::SBFrame &f = C(ctx).frame;
  if (!f.IsValid())
    return GL_BACKEND_FAIL;
  *level = f.GetFrameID(); // index in the thread's stack, 0 = innermost
  return GL_BACKEND_OK;
}

// Only a terminal has a width: in batch runs and pipes the core cuts
// nothing. lldb's terminal width follows the window.
int TextWidth(void *ctx, uint32_t *columns) {
  if (!isatty(STDOUT_FILENO))
    return GL_BACKEND_FAIL;
  *columns = C(ctx).debugger.GetTerminalWidth();
  return GL_BACKEND_OK;
}

int ExecutablePath(void *ctx, char *buf, size_t len) {
  lldb::SBFileSpec exe = C(ctx).target.GetExecutable();
  if (!exe.IsValid() || len == 0)
    return GL_BACKEND_FAIL;
  // GetPath truncates silently and returns at most len-1: ask with one
  // byte to spare so a path that does not fit is seen as a failure.
  std::string path(4096, '\0');
  uint32_t n = exe.GetPath(&path[0], path.size());
  if (n == 0 || n >= path.size() - 1 || n >= len)
    return GL_BACKEND_FAIL;
  std::memcpy(buf, path.data(), n);
  buf[n] = '\0';
  return GL_BACKEND_OK;
}

// Part of the command's output while the command runs, into the result
// like the rest (the core cuts it between UTF-8 characters); or a
// progress line, straight to the terminal: it is no part of the result.
int WriteOutput(void *ctx, const char *text, size_t len, int stream) {
  if (stream == GL_OUT_PROGRESS) {
    FILE *e = C(ctx).debugger.GetErrorFileHandle();
    if (!e)
      return GL_BACKEND_FAIL;
    std::fwrite(text, 1, len, e);
    std::fflush(e);
    return GL_BACKEND_OK;
  }
  if (len > INT32_MAX)
    return GL_BACKEND_FAIL;
  if (!C(ctx).result) // a breakpoint hit has no command result
    return GL_BACKEND_FAIL;
  C(ctx).result->Printf("%.*s", static_cast<int>(len), text);
  return GL_BACKEND_OK;
}

// Breakpoints the core asks for (golayout watch). lldb runs their callback
// when a thread reaches one; the core answers whether the process stays
// stopped (true) or resumes (false). A breakpoint the core deletes is
// disabled at once and removed at the next hit or command, never inside
// its own callback.
// (A plain array: a std::vector's out-of-line members would be exported
// from the plugin.)
constexpr size_t kDoomedMax = 256;
lldb::break_id_t g_doomed[kDoomedMax];
size_t g_ndoomed;

void ReapBreakpoints(lldb::SBTarget target, lldb::break_id_t keep) {
  size_t left = 0;
  for (size_t i = 0; i < g_ndoomed; i++) {
    if (g_doomed[i] == keep)
      g_doomed[left++] = g_doomed[i];
    else
      target.BreakpointDelete(g_doomed[i]);
  }
  g_ndoomed = left;
}

bool BreakpointHit(void *baton, lldb::SBProcess &process, lldb::SBThread &thread,
                   lldb::SBBreakpointLocation &location);

int SetBreakpoint(void *ctx, uint64_t addr, uint64_t *id) {
  lldb::SBBreakpoint bp = C(ctx).target.BreakpointCreateByAddress(addr);
  if (!bp.IsValid() || bp.GetID() <= 0)
    return GL_BACKEND_FAIL;
  bp.SetCallback(BreakpointHit, nullptr);
  *id = static_cast<uint64_t>(bp.GetID());
  return GL_BACKEND_OK;
}

int DeleteBreakpoint(void *ctx, uint64_t id) {
  lldb::SBBreakpoint bp = C(ctx).target.FindBreakpointByID(static_cast<lldb::break_id_t>(id));
  if (!bp.IsValid())
    return GL_BACKEND_FAIL;
  bp.SetEnabled(false);
  if (g_ndoomed == kDoomedMax) // never: the core holds fewer; delete now
    C(ctx).target.BreakpointDelete(bp.GetID());
  else
    g_doomed[g_ndoomed++] = bp.GetID();
  return GL_BACKEND_OK;
}

// lldb's stop id does not change when memory is written through the
// debugger (`memory write`, or `expression` assigning to a variable
// without running the process): those commands count here, before they
// run, and the count is part of the stop id the core keys its cache on.
// (Writes made from a script through SBProcess.WriteMemory are not seen.)
uint32_t g_writes;

bool CountWrite(void *, const char **) {
  g_writes++;
  return false; // the command itself runs as usual
}

uint64_t StopId(void *ctx) {
  lldb::SBProcess &p = C(ctx).process;
  if (!p.IsValid())
    return 0; // "cannot tell": the core reads afresh
  // Count expression stops too (an expression may write memory), and put
  // the process's unique id on top so a new process never reuses an id.
  return (uint64_t(p.GetUniqueID() & 0xffff) << 48) ^
         (uint64_t(g_writes & 0xffff) << 32) ^ p.GetStopID(true);
}

int HasProcess(void *ctx) {
  lldb::SBProcess &p = C(ctx).process;
  if (!p.IsValid())
    return 0;
  switch (p.GetState()) {
  case lldb::eStateInvalid:
  case lldb::eStateUnloaded:
  case lldb::eStateDetached:
  case lldb::eStateExited:
    return 0;
  default:
    return 1; // a core file is a process in state "stopped"
  }
}

// Ctrl-C while a command runs: lldb's driver marks the running command
// interrupted (CommandInterpreter::InterruptCommand), which the SB API
// reports here.
int Interrupted(void *ctx) {
  return C(ctx).debugger.GetCommandInterpreter().WasInterrupted() ? 1 : 0;
}

// Where lldb loaded the executable: its ELF header's load address minus the
// header's file (link-time) address. lldb sets the module's load address
// from the dynamic loader for a live process and from the core file's
// mappings for a core; before that the address does not resolve (FAIL).
int LoadBias(void *ctx, uint64_t *bias) {
  lldb::SBTarget &t = C(ctx).target;
  lldb::SBModule m = t.FindModule(t.GetExecutable());
  if (!m.IsValid())
    return GL_BACKEND_FAIL;
  lldb::SBAddress hdr = m.GetObjectFileHeaderAddress();
  lldb::addr_t load = hdr.GetLoadAddress(t), file = hdr.GetFileAddress();
  if (!hdr.IsValid() || load == LLDB_INVALID_ADDRESS || file == LLDB_INVALID_ADDRESS)
    return GL_BACKEND_FAIL;
  *bias = load - file;
  return GL_BACKEND_OK;
}

gl_backend Backend(Ctx *ctx) {
  gl_backend be = {};
  be.version = GL_BACKEND_VERSION;
  be.ctx = ctx;
  be.read_memory = ReadMemory;
  be.read_register = ReadRegister;
  be.frame_cfa = FrameCfa;
  be.executable_path = ExecutablePath;
  be.stop_id = StopId;
  be.has_process = HasProcess;
  be.frame_level = FrameLevel;
  be.innermost_register = InnermostRegister;
  be.text_width = TextWidth;
  be.interrupted = Interrupted;
  be.load_bias = LoadBias;
  be.thread_register = ThreadRegister;
  be.write_output = WriteOutput;
  be.set_breakpoint = SetBreakpoint;
  be.delete_breakpoint = DeleteBreakpoint;
  return be;
}

bool BreakpointHit(void *, lldb::SBProcess &process, lldb::SBThread &thread,
                   lldb::SBBreakpointLocation &location) {
  Ctx ctx;
  ctx.target = process.GetTarget();
  ctx.debugger = ctx.target.GetDebugger();
  ctx.process = process;
  ctx.thread = thread;
  ctx.frame = thread.GetFrameAtIndex(0);
  ctx.result = nullptr;
  lldb::break_id_t id = location.GetBreakpoint().GetID();
  ReapBreakpoints(ctx.target, id);
  auto it = g_sessions.find(ctx.debugger.GetID());
  if (it == g_sessions.end() || !it->second)
    return false;
  gl_backend be = Backend(&ctx);
  char *out = nullptr, *err = nullptr;
  int rc = gl_session_breakpoint_hit(it->second, &be, static_cast<uint64_t>(id), &out, &err);
  if (FILE *o = out ? ctx.debugger.GetOutputFileHandle() : nullptr) {
    std::fputs(out, o);
    std::fflush(o);
  }
  if (FILE *e = err ? ctx.debugger.GetErrorFileHandle() : nullptr) {
    std::fprintf(e, "error: %s\n", err);
    std::fflush(e);
  }
  gl_free(out);
  gl_free(err);
  return rc == GL_BP_STOP;
}

// lldb has already split and unquoted the words; the core wants one string
// it tokenizes shell-like, so quote again every word that needs it.
std::string Join(char **argv) {
  std::string s;
  for (; argv && *argv; ++argv) {
    const char *a = *argv;
    if (!s.empty())
      s += ' ';
    if (*a && !std::strpbrk(a, " \t\n\"'\\")) {
      s += a;
      continue;
    }
    s += '"';
    for (; *a; ++a) {
      if (*a == '"' || *a == '\\')
        s += '\\';
      s += *a;
    }
    s += '"';
  }
  return s;
}

// LLDB 16 and older print nothing of the result of a command stopped with
// Ctrl-C, only "... Interrupted.": what golayout had decoded goes to lldb's
// output file itself, so that it is not lost. LLDB 17's reworked
// interruption (SBDebugger::InterruptRequested) prints the result as
// usual, and printing it here too would show it twice (seen in LLDB 19).
#if defined(GL_LLDB_MAJOR) && GL_LLDB_MAJOR >= 17
constexpr bool kLldbPrintsInterrupted = true;
#else
constexpr bool kLldbPrintsInterrupted = false;
#endif

void PrintInterrupted(lldb::SBDebugger &dbg, lldb::SBCommandReturnObject &result,
                      const char *out, const char *err) {
  FILE *o = dbg.GetOutputFileHandle(), *e = dbg.GetErrorFileHandle();
  const char *streamed = result.GetOutput(); // what write_output handed over
  if (o && streamed && *streamed)
    std::fputs(streamed, o);
  if (o && out && *out) {
    std::fputs(out, o);
    std::fflush(o);
  }
  if (e && err) {
    std::fprintf(e, "error: %s\n", err);
    std::fflush(e);
  }
}

#ifdef GL_LLDB_MAJOR
// The plugin is compiled with one LLDB version's SB API headers and does
// not link liblldb (its calls bind to the loading lldb's): in another
// version it says which plugin to load and stays out, rather than run on
// an API it was not built for.
bool SameLldbVersion(lldb::SBDebugger &dbg) {
  const char *v = lldb::SBDebugger::GetVersionString(); // "lldb version 19.1.7..."
  const char *p = v ? std::strstr(v, "version ") : nullptr;
  int major = p ? std::atoi(p + 8) : 0;
  if (major == GL_LLDB_MAJOR)
    return true;
  if (FILE *e = dbg.GetErrorFileHandle()) {
    std::fprintf(e,
                 "error: golayout: this plugin is built for LLDB %d, this is LLDB %d:"
                 " load lldb-%d/libgolayout-lldb.so (`make` builds one per installed LLDB)\n",
                 GL_LLDB_MAJOR, major, major);
    std::fflush(e);
  }
  return false;
}
#endif

void HandleSigurg(lldb::SBDebugger &dbg) {
  lldb::SBCommandReturnObject ignored;
  dbg.GetCommandInterpreter().HandleCommand(kSigurg, ignored);
}

// One lldb command, `golayout`, that hands every word to the core: the
// core answers `golayout`, `golayout help [COMMAND]`, `--help`, `--json`
// and unknown subcommands alike in both debuggers (a multiword command
// would have lldb answer those itself, with no JSON).
class Golayout : public lldb::SBCommandPluginInterface {
public:
  bool DoExecute(lldb::SBDebugger dbg, char **argv,
                 lldb::SBCommandReturnObject &result) override {
    Ctx ctx;
    ctx.debugger = dbg;
    ctx.target = dbg.GetSelectedTarget();
    ctx.process = ctx.target.GetProcess();
    ctx.thread = ctx.process.GetSelectedThread();
    ctx.frame = ctx.thread.GetSelectedFrame();
    ctx.result = &result;
    HandleSigurg(dbg); // for targets created after the plugin was loaded

    gl_backend be = Backend(&ctx);
    ReapBreakpoints(ctx.target, LLDB_INVALID_BREAK_ID);

    gl_session *s = SessionFor(dbg);
    if (!s) {
      result.SetError("golayout: out of memory");
      return false;
    }
    // Colour only when lldb itself colours and its output is a terminal.
    unsigned flags = dbg.GetUseColor() && isatty(STDOUT_FILENO) ? GL_RUN_TTY : 0;
    if (isatty(STDOUT_FILENO) && isatty(STDERR_FILENO))
      flags |= GL_RUN_PROGRESS;
    char *out = nullptr, *err = nullptr;
    int rc = gl_session_run(s, &be, Join(argv).c_str(), flags, &out, &err);
    if (!kLldbPrintsInterrupted && dbg.GetCommandInterpreter().WasInterrupted())
      PrintInterrupted(dbg, result, out, err);
    if (out && *out)
      result.AppendMessage(out); // never Printf: the text is not a format
    if (err)
      result.SetError(err); // sets the status to failed
    else
      result.SetStatus(rc ? lldb::eReturnStatusFailed
                          : lldb::eReturnStatusSuccessFinishResult);
    gl_free(out);
    gl_free(err);
    return rc == 0;
  }
};

} // namespace

bool lldb::PluginInitialize(lldb::SBDebugger dbg) {
#ifdef GL_LLDB_MAJOR
  if (!SameLldbVersion(dbg))
    return false;
#endif
  lldb::SBCommandInterpreter ci = dbg.GetCommandInterpreter();
  // Empty auto-repeat: pressing Enter must not rerun a dump. The command
  // object is owned by lldb for the life of the process.
  lldb::SBCommand top = ci.AddCommand("golayout", new Golayout(), gl_overview_help(),
                                      "golayout COMMAND [ARGS] [--json]", "");
  if (!top.IsValid())
    return false;
  ci.SetCommandOverrideCallback("memory write", CountWrite, nullptr);
  ci.SetCommandOverrideCallback("expression", CountWrite, nullptr);
  SessionFor(dbg);
  HandleSigurg(dbg);
  return true;
}
