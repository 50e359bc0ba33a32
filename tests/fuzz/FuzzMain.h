#pragma once

// Shared by the libFuzzer targets: one QCoreApplication for the whole process (translations and
// the TLS backend plugin expect one), created before the first input.

#include <cstddef>
#include <cstdint>
#include <QByteArray>
#include <QCoreApplication>

namespace fuzz {

inline void ensureApplication(int* argc, char*** argv)
{
    if (!QCoreApplication::instance())
        new QCoreApplication(*argc, *argv); // lives as long as the process, like libFuzzer's loop
}

/// The input as bytes, without copying.
inline QByteArray bytes(const uint8_t* data, size_t size)
{
    return QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
}

/// A property of the code under test did not hold: libFuzzer records the input as a crash.
[[noreturn]] inline void propertyFailed(const char* what) { qFatal("fuzz property failed: %s", what); }

} // namespace fuzz

#define MAILSCOPE_FUZZ_INITIALIZE                                                                            \
    extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)                                             \
    {                                                                                                        \
        fuzz::ensureApplication(argc, argv);                                                                 \
        return 0;                                                                                            \
    }
