#pragma once

// QCOMPARE prints these enums by their stable ids ("tls-handshake", "warning").

#include "run/Types.h"

#include <QTest>

namespace QTest {
template<> inline char* toString(const StepId& v) { return qstrdup(qPrintable(toKey(v))); }
template<> inline char* toString(const StepStatus& v) { return qstrdup(qPrintable(toKey(v))); }
template<> inline char* toString(const Severity& v) { return qstrdup(qPrintable(toKey(v))); }
template<> inline char* toString(const Verdict& v) { return qstrdup(qPrintable(toKey(v))); }
template<> inline char* toString(const Protocol& v) { return qstrdup(qPrintable(toKey(v))); }
template<> inline char* toString(const TlsMode& v) { return qstrdup(qPrintable(toKey(v))); }
template<> inline char* toString(const TlsPolicy& v) { return qstrdup(qPrintable(toKey(v))); }
} // namespace QTest
