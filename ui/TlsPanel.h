#pragma once

#include "run/Run.h"

#include <QWidget>

class QTextBrowser;

/**
 * What TLS negotiated and what verification concluded, in words: version, cipher, key exchange,
 * the version matrix when it was probed, and the trust verdict.
 */
class TlsPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit TlsPanel(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(TlsPanel)

    void setRun(const Run* run);
    QString plainText() const;

public Q_SLOTS:
    void refresh();

protected:
    void changeEvent(QEvent* event) override;

private:
    QTextBrowser* m_browser = nullptr;
    const Run* m_run = nullptr;
};
