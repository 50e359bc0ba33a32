#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QToolButton;

/// A find-in-transcript bar: type, Enter for next, Shift+Enter for previous, Esc to close.
class FindBar final : public QWidget
{
    Q_OBJECT

public:
    explicit FindBar(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(FindBar)

    QString text() const;
    void activate();
    void setResult(bool found);
    QLineEdit* lineEdit() const { return m_edit; }

Q_SIGNALS:
    void findNext(const QString& text);
    void findPrevious(const QString& text);
    void closed();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QLineEdit* m_edit = nullptr;
    QLabel* m_status = nullptr;
};
