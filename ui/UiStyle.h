#pragma once

#include "run/Types.h"

#include <QColor>
#include <QFont>
#include <QIcon>
#include <QPalette>
#include <QString>

/**
 * The window's visual vocabulary in one place: status and severity icons (SVG, from the
 * resources), semantic colours derived from the current palette so that light and dark themes
 * both keep readable contrast, and the display names of steps. No protocol logic lives here.
 */
class UiStyle final
{
public:
    UiStyle() = delete;

    /// Registers the icon resources of the static library (call once, before any icon is used).
    static void initResources();

    static bool isDark(const QPalette& palette);
    static QColor success(const QPalette& palette);
    static QColor warning(const QPalette& palette);
    static QColor danger(const QPalette& palette);
    static QColor accent(const QPalette& palette);
    static QColor muted(const QPalette& palette);
    /// `colour` laid over the view's base at `strength` (0..1): a row or band background.
    static QColor tint(const QColor& colour, const QPalette& palette, qreal strength);
    static QColor clientText(const QPalette& palette);
    static QColor serverText(const QPalette& palette);
    static QColor forStatus(StepStatus status, const QPalette& palette);
    static QColor forSeverity(Severity severity, const QPalette& palette);
    static QColor forVerdict(Verdict verdict, const QPalette& palette);

    static QIcon icon(const QString& name);
    static QIcon statusIcon(StepStatus status);
    static QIcon pausedIcon();
    static QIcon severityIcon(Severity severity);
    static QIcon verdictIcon(Verdict verdict);

    static QString statusText(StepStatus status);
    static QString severityText(Severity severity);
    static QString verdictText(Verdict verdict);
    /// "STARTTLS", "TLS handshake", "Greeting (EHLO)": how a step reads in the timeline.
    static QString stepTitle(StepId id, Protocol protocol);
    /// What a step will do, shown while it is still pending.
    static QString stepPlan(StepId id, Protocol protocol);
    /// "1.234 s" / "12 ms".
    static QString duration(qint64 ms);

    static QFont monospaceFont();
};
