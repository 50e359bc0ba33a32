#pragma once

#include "run/Run.h"

#include <QFrame>

class QLabel;

/**
 * The headline above the timeline: what Mailscope is doing or what it concluded, in one
 * sentence with a coloured verdict icon, so the screen reads in five seconds.
 */
class RunSummaryBar final : public QFrame
{
    Q_OBJECT

public:
    explicit RunSummaryBar(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(RunSummaryBar)

    void showIdle(const QString& target);
    void showRunning(const Run& run, const QString& currentStep);
    void showPaused(const Run& run, const QString& nextStep);
    void showFinished(const Run& run);

    QString headline() const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void set(const QIcon& icon, const QString& headline, const QString& detail, const QColor& accent);
    static QString targetText(const Run& run);

    QWidget* m_icon = nullptr; ///< holds the icon's place; painted by paintEvent()
    QLabel* m_headline = nullptr;
    QLabel* m_detail = nullptr;
    QColor m_accent;
    QIcon m_currentIcon;
};
