#pragma once

#include "run/Run.h"

#include <QFrame>

class QLabel;
class QPushButton;

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
    /// A mail domain profile is selected: Run opens the domain window, there is no conversation
    /// here to watch or step through.
    void showIdleDomain(const QString& domain);
    void showRunning(const Run& run, const QString& currentStep);
    void showPaused(const Run& run, const QString& nextStep);
    void showFinished(const Run& run);

    QString headline() const;
    QString detail() const;
    /// "Run again with implicit TLS", shown when a finished run suggests better settings.
    QPushButton* rerunButton() const { return m_rerun; }
    /// The button's text for a suggestion ("Run again as IMAP with implicit TLS").
    static QString rerunText(const RunTarget& target, const RunSuggestion& suggestion);

Q_SIGNALS:
    /// The user asked for the run with the suggested settings.
    void rerunRequested();

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void set(const QIcon& icon, const QString& headline, const QString& detail, const QColor& accent);
    static QString targetText(const Run& run);

    QWidget* m_icon = nullptr; ///< holds the icon's place; painted by paintEvent()
    QLabel* m_headline = nullptr;
    QLabel* m_detail = nullptr;
    QPushButton* m_rerun = nullptr;
    QColor m_accent;
    QIcon m_currentIcon;
};
