#pragma once

#include "run/Run.h"
#include "session/ProbeOptions.h"

#include <memory>
#include <QDialog>
#include <QMap>

class AllPortsCheck;
class QLabel;
class QPushButton;
class QTableWidget;

/**
 * The all-ports view: the eight mail ports of one host checked at once (AllPortsCheck), one row
 * each (reachable, plaintext / STARTTLS / implicit TLS, TLS version, certificate, AUTH before TLS,
 * verdict), filled in as each port finishes. Activating a finished row asks the window to show
 * that port's run (runRequested).
 */
class AllPortsView final : public QDialog
{
    Q_OBJECT

public:
    explicit AllPortsView(QWidget* parent = nullptr);
    ~AllPortsView() override;
    Q_DISABLE_COPY_MOVE(AllPortsView)

    /// Checks `base.host` on the eight ports (a run in progress is stopped first); `portMap` moves
    /// services to other ports (the demo server).
    void start(const ProbeOptions& base, const QMap<quint16, quint16>& portMap = {});
    bool isRunning() const;
    AllPortsCheck* check() const { return m_check.get(); }
    QTableWidget* table() const { return m_table; }
    /// The table's rows as text, cells joined by " | " (tests).
    QStringList rowTexts() const;

Q_SIGNALS:
    /// A row was activated: show its run.
    void runRequested(const Run& run);
    /// Every port is done.
    void finished();

private:
    void updateRow(int index);
    void onFinished();
    void onActivated(int row);

    std::unique_ptr<AllPortsCheck> m_check;
    QLabel* m_status = nullptr;
    QTableWidget* m_table = nullptr;
    QPushButton* m_stop = nullptr;
};
