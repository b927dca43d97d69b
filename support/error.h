// error.h: the error type every stage returns, and Expected<T>.
//
// An Error names where the problem is (file and byte offset, or file:line:col for text inputs)
// and what rule was broken. Stages return Expected<T> instead of throwing; the driver prints
// `file:0x2f: error: message` and exits non-zero. Internal bugs abort instead (see Check()).
#ifndef EGRET_SUPPORT_ERROR_H_
#define EGRET_SUPPORT_ERROR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace egret {

struct Error {
  static constexpr uint64_t kNoOffset = UINT64_MAX;

  std::string file;               // empty when the input has no name
  uint64_t offset = kNoOffset;    // byte offset into a binary input, or kNoOffset
  uint32_t line = 0, column = 0;  // 1-based position in a text input; 0 when unused
  std::string message;

  Error() = default;
  explicit Error(std::string msg) : message(std::move(msg)) {}
  Error(uint64_t off, std::string msg) : offset(off), message(std::move(msg)) {}
  static Error AtLine(uint32_t line, uint32_t column, std::string msg) {
    Error e(std::move(msg));
    e.line = line;
    e.column = column;
    return e;
  }

  // Sets the file name if none was set yet; returns *this for chaining.
  Error& InFile(std::string name) {
    if (file.empty()) file = std::move(name);
    return *this;
  }

  // `file:0x2f: error: message`, `file:3:7: error: message`, or `error: message`.
  std::string ToString() const;
};

// Expected<T>: a T or an Error. Accessing the wrong alternative is a bug and aborts.
template <class T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT
  Expected(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Status: success, or an Error.
class [[nodiscard]] Status {
 public:
  // Not `= default`: Status() (as in Ok()) would then value-initialise, zeroing the whole
  // disengaged Error on every successful return; this constructor only marks it disengaged.
  Status() {}                                        // NOLINT(modernize-use-equals-default)
  Status(Error error) : error_(std::move(error)) {}  // NOLINT
  static Status Ok() { return Status(); }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

// Aborts with a message when an internal invariant is broken. Never used for bad input.
[[noreturn]] void Fatal(const char* file, int line, const std::string& message);

#define EGRET_CHECK(cond)                                                    \
  do {                                                                       \
    if (!(cond)) ::egret::Fatal(__FILE__, __LINE__, "check failed: " #cond); \
  } while (0)

#ifdef EGRET_DEBUG
#define EGRET_DCHECK(cond) EGRET_CHECK(cond)
#else
#define EGRET_DCHECK(cond) \
  do {                     \
    (void)sizeof(cond);    \
  } while (0)
#endif

// Propagates an error from an Expected<T> or a Status expression.
#define EGRET_TRY(expr)                                                       \
  do {                                                                        \
    auto egret_try_result_ = (expr);                                          \
    if (!egret_try_result_.ok()) return std::move(egret_try_result_).error(); \
  } while (0)

#define EGRET_CONCAT_INNER_(a, b) a##b
#define EGRET_CONCAT_(a, b) EGRET_CONCAT_INNER_(a, b)
// EGRET_ASSIGN_OR_RETURN(auto x, ReadU32()): declares x from an Expected or returns its error.
#define EGRET_ASSIGN_OR_RETURN(decl, expr) \
  EGRET_ASSIGN_OR_RETURN_IMPL_(EGRET_CONCAT_(egret_tmp_, __LINE__), decl, expr)
#define EGRET_ASSIGN_OR_RETURN_IMPL_(tmp, decl, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).error();       \
  decl = std::move(tmp).value()

}  // namespace egret

#endif  // EGRET_SUPPORT_ERROR_H_
