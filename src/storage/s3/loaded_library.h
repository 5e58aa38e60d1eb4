// A system library opened with dlopen when first needed instead of linked:
// a process that never needs it maps neither the library nor its
// dependencies. libcurl alone brings gnutls, p11-kit, krb5, LDAP and more,
// megabytes resident from the moment a program starts.
#pragma once

#include <exception>
#include <string>

namespace neuralake::s3 {

class LoadedLibrary {
 public:
  // Opens `file` (a soname such as "libcurl.so.4"). `needed_for` (what the
  // library serves) and `package` (the Debian package that installs it) go
  // into the error: Error(Unavailable) naming the file and the loader's
  // reason when it cannot be opened.
  LoadedLibrary(std::string file, const std::string& needed_for, const std::string& package);
  LoadedLibrary(const LoadedLibrary&) = delete;
  LoadedLibrary& operator=(const LoadedLibrary&) = delete;
  // The library is never closed, so functions bound from it stay valid for
  // the life of the process, after this object is gone.
  ~LoadedLibrary() = default;

  // Binds `fn` to the function `name`; throws Error(Unavailable) naming the
  // function and the file when the library lacks it (too old a version).
  template <class F>
  void bind(F*& fn, const char* name) const {
    fn = reinterpret_cast<F*>(symbol(name));
  }

  const std::string& file() const { return file_; }

 private:
  void* symbol(const char* name) const;

  std::string file_;
  void* handle_ = nullptr;
};

// What `load` returns, loaded once per process (a function-local static of
// the caller): a failure is kept and rethrown by every get(), so a missing
// library is reported the same way each time and never retried half-way.
template <class T>
class LoadedOnce {
 public:
  template <class Load>
  explicit LoadedOnce(Load&& load) {
    try {
      value_ = load();
    } catch (...) {
      failure_ = std::current_exception();
    }
  }
  const T& get() const {
    if (failure_) std::rethrow_exception(failure_);
    return value_;
  }

 private:
  T value_{};
  std::exception_ptr failure_;
};

}  // namespace neuralake::s3
