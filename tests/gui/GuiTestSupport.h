#pragma once

#include <functional>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QTimer>

/// Processes events until `done()` holds or `timeoutMs` passes; true when it held. For the
/// screenshot tool and the benchmarks, which are not QTest programs (tests use QTRY_*).
inline bool pumpUntil(const std::function<bool()>& done, int timeoutMs = 15000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QEventLoop loop;
        QTimer::singleShot(5, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}
