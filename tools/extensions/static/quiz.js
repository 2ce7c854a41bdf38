/* Self-check quizzes: pick, check, see right or wrong with each option's feedback, try again.
 *
 * The page already reads correctly without this script: each item is a fieldset
 * whose legend is the question, its options a list and the answer with the
 * feedback behind a <details> disclosure. Here the options become radio buttons
 * (one answer) or checkboxes (several), a Check and a Try again button are added,
 * and the result is announced in a live region. Progress ("3 of 5 correct") is
 * kept in localStorage only: nothing is sent anywhere.
 */
(function () {
  "use strict";

  var STORE = "course-quiz:";

  function load(quizId) {
    try {
      return JSON.parse(window.localStorage.getItem(STORE + quizId) || "{}") || {};
    } catch (e) {
      return {};
    }
  }

  function save(quizId, state) {
    try {
      window.localStorage.setItem(STORE + quizId, JSON.stringify(state));
    } catch (e) {
      /* storage refused (private mode): the quiz still works, without progress */
    }
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function setupItem(quiz, item, itemIndex, onResult) {
    var kind = item.getAttribute("data-kind");
    var multiple = kind === "multiple";
    var key = item.querySelector(".course-quiz-key");
    var options = Array.prototype.slice.call(item.querySelectorAll(".course-quiz-option"));
    var name = "quiz-" + quiz.index + "-" + itemIndex;
    var inputs = [];
    var feedbacks = [];

    options.forEach(function (li, i) {
      var input = el("input");
      input.type = multiple ? "checkbox" : "radio";
      input.name = name;
      input.id = name + "-" + i;
      input.value = String(i);
      var label = el("label");
      label.htmlFor = input.id;
      while (li.firstChild) label.appendChild(li.firstChild);
      li.appendChild(input);
      li.appendChild(label);
      var fb = el("div", "course-quiz-option-feedback");
      fb.hidden = true;
      var source = key && key.querySelector('.course-quiz-feedback[data-option="' + i + '"]');
      if (source) {
        Array.prototype.forEach.call(source.children, function (child) {
          if (!child.classList.contains("course-quiz-feedback-label")) {
            fb.appendChild(child.cloneNode(true));
          }
        });
      }
      li.appendChild(fb);
      inputs.push(input);
      feedbacks.push(fb);
    });

    var explanation = el("div", "course-quiz-explanation");
    explanation.hidden = true;
    var all = key && key.querySelector('.course-quiz-feedback[data-option="all"]');
    if (all) {
      Array.prototype.forEach.call(all.children, function (child) {
        explanation.appendChild(child.cloneNode(true));
      });
    }

    var actions = el("div", "course-quiz-actions");
    var check = el("button", "course-quiz-check", "Check answer");
    check.type = "button";
    var retry = el("button", "course-quiz-retry", "Try again");
    retry.type = "button";
    retry.hidden = true;
    actions.appendChild(check);
    actions.appendChild(retry);
    var status = el("p", "course-quiz-status");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    var list = item.querySelector(".course-quiz-options");
    list.parentNode.insertBefore(actions, list.nextSibling);
    actions.parentNode.insertBefore(status, actions.nextSibling);
    status.parentNode.insertBefore(explanation, status.nextSibling);
    if (key) key.hidden = true;

    function reset() {
      inputs.forEach(function (input) {
        input.checked = false;
        input.disabled = false;
      });
      options.forEach(function (li) {
        li.classList.remove("is-right", "is-wrong");
      });
      feedbacks.forEach(function (fb) {
        fb.hidden = true;
      });
      explanation.hidden = true;
      status.textContent = "";
      retry.hidden = true;
      check.hidden = false;
    }

    check.addEventListener("click", function () {
      var chosen = inputs.filter(function (input) {
        return input.checked;
      });
      if (!chosen.length) {
        status.textContent = multiple ? "Choose one or more answers first." : "Choose an answer first.";
        return;
      }
      var right = true;
      options.forEach(function (li, i) {
        var correct = li.getAttribute("data-correct") === "true";
        if (inputs[i].checked !== correct) right = false;
        if (inputs[i].checked) {
          li.classList.add(correct ? "is-right" : "is-wrong");
          feedbacks[i].hidden = false;
        }
        inputs[i].disabled = true;
      });
      explanation.hidden = false;
      var said = [];
      feedbacks.forEach(function (fb) {
        if (!fb.hidden) said.push(fb.textContent.trim());
      });
      if (!explanation.hidden && explanation.textContent.trim()) said.push(explanation.textContent.trim());
      status.textContent = right ? "Right answer." : "Not the right answer yet.";
      var spoken = el("span", "course-quiz-sr", " " + said.join(" "));
      status.appendChild(spoken);
      check.hidden = true;
      retry.hidden = false;
      retry.focus();
      onResult(item.getAttribute("data-item-id"), right);
    });

    retry.addEventListener("click", function () {
      reset();
      inputs[0].focus();
    });
  }

  function setupQuiz(quiz, index) {
    quiz.index = index;
    var quizId = quiz.getAttribute("data-quiz-id") || String(index);
    var items = Array.prototype.slice.call(quiz.querySelectorAll(".course-quiz-item"));
    var progress = el("p", "course-quiz-progress");
    var title = quiz.querySelector(".course-quiz-title");
    quiz.insertBefore(progress, title ? title.nextSibling : quiz.firstChild);
    var state = load(quizId);

    function show() {
      var ids = items.map(function (item) {
        return item.getAttribute("data-item-id");
      });
      var right = ids.filter(function (id) {
        return state[id] === true;
      }).length;
      progress.textContent = right + " of " + items.length + " correct";
    }

    items.forEach(function (item, i) {
      setupItem(quiz, item, i, function (id, right) {
        state[id] = right;
        save(quizId, state);
        show();
      });
    });
    show();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".course-quiz"), setupQuiz);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
