// The web chat: sends what the worker types (or the button she presses) to POST webchat/messages
// and shows the bot's replies. Its own labels start in the browser's language and then follow
// the conversation's ("lang" in each answer: what she writes decides it, not the browser).
// The anonymous id lives in this browser only (localStorage); no cookies, nothing external.
"use strict";

(function () {
  var TEXTS = {
    es: {
      title: "Tus derechos en el trabajo",
      subtitle: "Información gratuita y confidencial sobre tus derechos laborales en México.",
      label: "Escribe tu mensaje",
      placeholder: "Ej.: me corrieron",
      send: "Enviar",
      you: "Tú:",
      bot: "Bot:",
      intro: "Hola. Escribe tu pregunta con tus propias palabras, o toca «Empezar».",
      start: "Empezar",
      startText: "hola",
      sending: "Enviando…",
      failed: "No se pudo enviar tu mensaje. Revisa tu conexión.",
      retry: "Reintentar",
      slow: "El servicio tiene problemas. Intenta de nuevo en unos minutos."
    },
    en: {
      title: "Your rights at work",
      subtitle: "Free, confidential information about your labor rights in Mexico.",
      label: "Type your message",
      placeholder: "E.g.: I was fired",
      send: "Send",
      you: "You:",
      bot: "Bot:",
      intro: "Hello. Write your question in your own words, or tap “Start”.",
      start: "Start",
      startText: "hello",
      sending: "Sending…",
      failed: "Your message could not be sent. Check your connection.",
      retry: "Try again",
      slow: "The service is having trouble. Please try again in a few minutes."
    }
  };
  var preferred = (navigator.languages && navigator.languages[0]) || navigator.language || "es";
  var lang = /^en\b/i.test(preferred) ? "en" : "es";
  var t = TEXTS[lang];
  var ENDPOINT = "webchat/messages";
  var USER_KEY = "labor-bot.user";

  var log = document.getElementById("log");
  var logWrap = log.parentNode;
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var sendButton = document.getElementById("send");
  var statusLine = document.getElementById("status");
  var busy = false;

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function anonymousId() {
    try {
      var id = localStorage.getItem(USER_KEY);
      if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
        id = newId();
        localStorage.setItem(USER_KEY, id);
      }
      return id;
    } catch (e) {
      return newId(); // storage blocked: a fresh id for this page only
    }
  }
  var user = anonymousId();

  function translatePage() {
    document.documentElement.lang = lang;
    document.title = t.title + " · chat";
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t[el.getAttribute("data-i18n")];
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-placeholder]"), function (el) {
      el.setAttribute("placeholder", t[el.getAttribute("data-i18n-placeholder")]);
    });
  }

  // *word* in the flows' texts is shown in bold; everything else is plain text.
  function appendText(parent, text) {
    text.split(/(\*[^*\n]+\*)/).forEach(function (part) {
      if (/^\*[^*\n]+\*$/.test(part)) {
        var strong = document.createElement("strong");
        strong.textContent = part.slice(1, -1);
        parent.appendChild(strong);
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  function scrollDown() { logWrap.scrollTop = logWrap.scrollHeight; }

  function addMessage(who, text, choices) {
    var item = document.createElement("li");
    item.className = "msg " + who;
    var label = document.createElement("span");
    label.className = "who";
    label.textContent = who === "me" ? t.you : t.bot;
    item.appendChild(label);
    var body = document.createElement("p");
    appendText(body, text);
    item.appendChild(body);
    if (choices && choices.length) {
      var group = document.createElement("div");
      group.className = "choices";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", text.slice(0, 80));
      choices.forEach(function (choice) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = choice.label;
        button.addEventListener("click", function () {
          if (!busy) { send(choice.text || choice.label, choice.value); }
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    log.appendChild(item);
    scrollDown();
  }

  function disableOldChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".choices button"), function (b) { b.disabled = true; });
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
    statusLine.className = "status";
    statusLine.textContent = value ? t.sending : "";
  }

  function showFailure(message, retry) {
    statusLine.className = "status error";
    statusLine.textContent = message + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = t.retry;
    button.addEventListener("click", retry);
    statusLine.appendChild(button);
  }

  function post(payload) {
    setBusy(true);
    fetch(ENDPOINT, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.message || t.slow); }
        return data;
      });
    }).then(function (data) {
      setBusy(false);
      if (data.lang && TEXTS[data.lang] && data.lang !== lang) {
        lang = data.lang;
        t = TEXTS[lang];
        translatePage();
      }
      (data.replies || []).forEach(function (reply) { addMessage("bot", reply.text, reply.choices); });
      input.focus();
    }).catch(function (error) {
      setBusy(false);
      var message = error instanceof TypeError ? t.failed : error.message;
      showFailure(message, function () { post(payload); }); // same message_id: never handled twice
    });
  }

  function send(text, value) {
    disableOldChoices();
    addMessage("me", text);
    post({ user: user, message_id: newId(), text: text, value: value || null, lang: lang });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || busy) { return; }
    input.value = "";
    input.style.height = "";
    send(text, null);
  });

  // The box grows with what she types, up to the height the style sheet allows.
  input.addEventListener("input", function () {
    input.style.height = "auto";
    input.style.height = input.scrollHeight + 4 + "px";
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  translatePage();
  // "Start" sends a greeting as typed text, so the bot answers as if she had written it.
  addMessage("bot", t.intro, [{ label: t.start, value: null, text: t.startText }]);
})();
